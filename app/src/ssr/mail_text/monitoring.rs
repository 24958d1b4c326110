//! The owner's mail about monitoring warnings (AVG-18): Dutch, like the CMS
//! it points to. Numbers and kinds only — no address, no name, no customer:
//! a staff member is a number the audit log resolves.

use super::MailText;
use crate::cms::rules::Warning;

/// The warnings, one paragraph each; `cms`: the dashboard's URL.
pub fn warnings(shop: &str, warnings: &[Warning], cms: &str) -> MailText {
    let lines: String = warnings
        .iter()
        .map(|w| format!("- {}\n", crate::cms::text::warning(w)))
        .collect();
    let subject = match warnings.len() {
        1 => format!("Waarschuwing bij {shop}"),
        n => format!("{n} waarschuwingen bij {shop}"),
    };
    MailText {
        subject,
        body: format!(
            "Hallo,\n\nDe bewaking van de winkel ziet nu:\n\n{lines}\nJe krijgt over elke soort waarschuwing hooguit een e-mail per uur. Het dashboard toont wat nu speelt:\n{cms}\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cms::rules::WarningKind;

    #[test]
    fn lists_every_warning_and_names_no_one() {
        let list = [
            Warning::new(WarningKind::ServerErrors, 30, 40),
            Warning {
                staff_id: Some(3),
                ..Warning::new(WarningKind::StaffReads, 500, 12)
            },
        ];
        let mail = warnings("Winkel", &list, "https://w.nl/cms");
        assert_eq!(mail.subject, "2 waarschuwingen bij Winkel");
        assert!(mail.body.contains("- Let op: 30 van de 40 verzoeken"));
        assert!(mail.body.contains(
            "- Let op: medewerker #3 kreeg in het afgelopen uur de gegevens van 500 klanten"
        ));
        assert!(mail.body.ends_with("https://w.nl/cms\n"));
        assert!(!mail.body.contains('@'));
        assert_eq!(
            warnings("Winkel", &list[..1], "x").subject,
            "Waarschuwing bij Winkel"
        );
    }
}
