//! Account rules shared by browser and server: the password policy
//! (AVG-7, AVG-11). The common-password list is checked on the server only
//! (it is too big for the browser bundle); see `ssr::password`.

use crate::validate::FieldError;

pub const CUSTOMER_MIN_PASSWORD: usize = 8;
/// Staff passwords are longer (AVG-11: hard to guess).
pub const STAFF_MIN_PASSWORD: usize = 12;
pub const MAX_PASSWORD: usize = 128;

/// Length and "not your email" rules, without the common-password list.
pub fn password_shape(password: &str, email: &str, min: usize) -> Result<(), FieldError> {
    let length = password.chars().count();
    if length == 0 {
        return Err(FieldError::Required);
    }
    if length < min {
        return Err(FieldError::PasswordTooShort { min });
    }
    if length > MAX_PASSWORD {
        return Err(FieldError::TooLong { max: MAX_PASSWORD });
    }
    let local = email
        .trim()
        .split('@')
        .next()
        .unwrap_or_default()
        .to_lowercase();
    if local.chars().count() >= 3 && password.to_lowercase().contains(&local) {
        return Err(FieldError::PasswordContainsEmail);
    }
    Ok(())
}

/// The customer password policy: 8 to 128 characters, no composition rules,
/// not the email's local part, not a common password.
pub fn password_policy(password: &str, email: &str) -> Result<String, FieldError> {
    password_shape(password, email, CUSTOMER_MIN_PASSWORD)?;
    if is_common(password) {
        return Err(FieldError::PasswordCommon);
    }
    Ok(password.to_owned())
}

/// Whether a password is among the 10,000 most common ones. Always false in
/// the browser, which does not carry the list; the server decides.
pub fn is_common(password: &str) -> bool {
    #[cfg(feature = "ssr")]
    {
        crate::ssr::password::is_common(password)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = password;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(password_shape("", "a@b.nl", 8), Err(FieldError::Required));
        assert_eq!(
            password_shape("kort", "a@b.nl", 8),
            Err(FieldError::PasswordTooShort { min: 8 })
        );
        assert_eq!(
            password_shape(&"x".repeat(129), "a@b.nl", 8),
            Err(FieldError::TooLong { max: 128 })
        );
        assert!(password_shape("acht tek", "a@b.nl", 8).is_ok());
        assert_eq!(password_shape("twaalf tekens", "a@b.nl", 12), Ok(()));
        assert_eq!(
            password_shape("elf tekens!", "a@b.nl", 12),
            Err(FieldError::PasswordTooShort { min: 12 })
        );
    }

    #[test]
    fn no_composition_rules_but_not_the_email() {
        assert!(password_shape("alleen kleine letters", "jan@example.nl", 8).is_ok());
        assert_eq!(
            password_shape("Marieke2026!", "marieke@example.nl", 8),
            Err(FieldError::PasswordContainsEmail)
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn common_passwords_are_refused_on_the_server() {
        assert_eq!(
            password_policy("password1", "x@y.nl"),
            Err(FieldError::PasswordCommon)
        );
        assert_eq!(
            password_policy("12345678", "x@y.nl"),
            Err(FieldError::PasswordCommon)
        );
        assert!(password_policy("vier koeien in de wei", "x@y.nl").is_ok());
    }
}
