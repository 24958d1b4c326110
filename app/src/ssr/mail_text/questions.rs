//! The mail that carries staff's answer to a question, in the language
//! the question was asked in (staff write the answer in it).

use super::MailText;
use crate::locale::Locale;

/// `first_name`: the asker's; `question`: quoted under the answer.
pub fn answer(
    locale: Locale,
    shop: &str,
    first_name: &str,
    question: &str,
    answer: &str,
) -> MailText {
    let quoted: String = question.lines().map(|l| format!("> {l}\n")).collect();
    match locale {
        Locale::Nl => MailText {
            subject: format!("Antwoord op je vraag aan {shop}"),
            body: format!(
                "Beste {first_name},\n\n{answer}\n\nJe vraag was:\n{quoted}\nMet vriendelijke groet,\n{shop}\n"
            ),
        },
        Locale::En => MailText {
            subject: format!("The answer to your question to {shop}"),
            body: format!(
                "Dear {first_name},\n\n{answer}\n\nYour question was:\n{quoted}\nKind regards,\n{shop}\n"
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::assert_english;
    use super::*;

    #[test]
    fn answer_in_both_languages() {
        let nl = answer(Locale::Nl, "Winkel", "Joris", "Groen?\nGraag.", "Ja.");
        assert_eq!(nl.subject, "Antwoord op je vraag aan Winkel");
        assert_eq!(
            nl.body,
            "Beste Joris,\n\nJa.\n\nJe vraag was:\n> Groen?\n> Graag.\n\nMet vriendelijke groet,\nWinkel\n"
        );
        let en = answer(Locale::En, "Winkel", "Joris", "Green?", "Yes.");
        assert_eq!(en.subject, "The answer to your question to Winkel");
        assert_eq!(
            en.body,
            "Dear Joris,\n\nYes.\n\nYour question was:\n> Green?\n\nKind regards,\nWinkel\n"
        );
        assert_english(&format!("{}\n{}", en.subject, en.body));
    }
}
