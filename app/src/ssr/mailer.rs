//! Outgoing mail: answers to questions, newsletter confirmations, account
//! notices, order and booking mails. A mail is plain text, optionally with
//! an HTML alternative (`Mail::html`, a `multipart/alternative`). Every mail is queued in the outbox first (`services::outbox`)
//! and sent from there by a worker; this module only delivers. Over SMTP
//! when `WINKEL_SMTP_URL` is set; otherwise every mail is written as an
//! `.eml` file to a folder (`WINKEL_MAIL_DIR`), which development and the
//! tests read instead of a mailbox.
//!
//! Logs name the kind of mail and the outcome, never the recipient's
//! address or anything else personal (AVG-8 covers the logs too).

use crate::error::AppError;
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

/// Where mail goes.
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(PathBuf),
}

pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

impl std::fmt::Debug for Mailer {
    /// Never prints the SMTP credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let transport = match &self.transport {
            Transport::Smtp(_) => "smtp".to_owned(),
            Transport::Folder(dir) => format!("folder {}", dir.display()),
        };
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("transport", &transport)
            .finish()
    }
}

/// What a mail is about: named in the log and the outbox, and deciding
/// whose request it answers (`MailKind::unsolicited`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailKind {
    /// The double opt-in link of the newsletter.
    NewsletterConfirm,
    /// A new account was created with this address.
    AccountWelcome,
    /// Someone tried to register this address, which has an account.
    AccountExists,
    /// The link that makes this address the new one of an account.
    EmailChange,
    /// Staff's answer to a question.
    QuestionAnswer,
    /// The confirmation of a booking.
    BookingConfirmation,
    /// The link that sets a forgotten password, asked for by whoever holds
    /// the address: a budget of its own (`outbox::RESETS_PER_HOUR`).
    PasswordReset,
    /// The link to see, download or erase what an address holds
    /// (`/privacy/request`): like a reset, asked for at a typed address,
    /// with a budget of its own (`outbox::PRIVACY_REQUESTS_PER_HOUR`).
    PrivacyRequest,
    /// The products at or below their stock alert, to the shop's owner.
    StockAlert,
    /// The confirmation of an order (with the payment instructions).
    OrderConfirmation,
    /// Staff marked an order paid.
    OrderPaid,
    /// Staff marked an order shipped (with the track-and-trace link).
    OrderShipped,
    /// Staff cancelled an order.
    OrderCancelled,
    /// A monitoring warning (AVG-18), to the shop's owner: at most one an
    /// hour per kind of warning.
    MonitoringWarning,
}

impl MailKind {
    pub const ALL: [Self; 14] = [
        Self::NewsletterConfirm,
        Self::AccountWelcome,
        Self::AccountExists,
        Self::EmailChange,
        Self::QuestionAnswer,
        Self::BookingConfirmation,
        Self::PasswordReset,
        Self::PrivacyRequest,
        Self::StockAlert,
        Self::OrderConfirmation,
        Self::OrderPaid,
        Self::OrderShipped,
        Self::OrderCancelled,
        Self::MonitoringWarning,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NewsletterConfirm => "newsletter.confirm",
            Self::AccountWelcome => "account.welcome",
            Self::AccountExists => "account.exists",
            Self::EmailChange => "account.email_change",
            Self::QuestionAnswer => "question.answer",
            Self::BookingConfirmation => "booking.confirmation",
            Self::PasswordReset => "account.password_reset",
            Self::PrivacyRequest => "privacy.request",
            Self::StockAlert => "stock.alert",
            Self::OrderConfirmation => "order.confirmation",
            Self::OrderPaid => "order.paid",
            Self::OrderShipped => "order.shipped",
            Self::OrderCancelled => "order.cancelled",
            Self::MonitoringWarning => "monitoring.warning",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Whether anybody can make the shop send this mail to an address they
    /// typed in, without proving it is theirs: such mails are bounded per
    /// recipient (`mail_budget`) and never carry text the sender chose.
    ///
    /// A password reset (and a privacy request's link) is asked for at a
    /// typed address too, but counts against a budget of its own (`Outbox::queue`), so that a flood of
    /// other mail never keeps the holder of the address out of their
    /// account; the stock alert and the monitoring's warnings go to the
    /// shop's own owner. Order mails
    /// are not unsolicited either: an order confirmation has a budget of
    /// its own (`outbox::ORDER_CONFIRMATIONS_PER_DAY`, so a customer's
    /// fourth order of the day is still confirmed), and the status mails
    /// are sent because staff changed the order, not because a visitor
    /// asked.
    pub fn unsolicited(self) -> bool {
        !matches!(
            self,
            Self::QuestionAnswer
                | Self::PasswordReset
                | Self::PrivacyRequest
                | Self::StockAlert
                | Self::OrderConfirmation
                | Self::OrderPaid
                | Self::OrderShipped
                | Self::OrderCancelled
                | Self::MonitoringWarning
        )
    }
}

/// One mail to send: plain text (and optionally HTML), to one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// What kind of mail this is, for the log and the budget.
    pub kind: MailKind,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The same mail as simple HTML (`mail_text::html`), sent as the
    /// alternative to `body`; every value in it escaped.
    pub html: Option<String>,
    /// A one-click unsubscribe URL (RFC 2369 `List-Unsubscribe` and RFC 8058
    /// `List-Unsubscribe-Post`), for newsletter mail.
    pub unsubscribe_url: Option<String>,
}

/// Why the mailer could not be set up from the configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailerConfigError {
    #[error("WINKEL_MAIL_FROM is not a mail address: {0}")]
    From(String),
    #[error("WINKEL_SMTP_URL is not a usable SMTP URL ({0}); expected e.g. smtps://user:pass@host or smtp://user:pass@host:587?tls=required")]
    SmtpUrl(String),
}

/// The body as 8bit text when every line fits the 998 bytes RFC 5322
/// allows: the text, and its links, stay readable in the raw mail (lettre
/// would base64 any line over 76 characters, and a signed link is longer).
fn eight_bit(text: &str) -> Option<Body> {
    let crlf = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n");
    let fits = crlf.split("\r\n").all(|line| line.len() <= 998);
    (fits && !crlf.contains('\0'))
        .then(|| Body::dangerous_pre_encoded(crlf.into_bytes(), ContentTransferEncoding::EightBit))
}

pub const DEFAULT_FROM: &str = "Winkel <winkel@localhost>";

impl Mailer {
    /// `smtp_url` set: SMTP; otherwise the folder `mail_dir`.
    pub fn new(
        smtp_url: Option<&str>,
        from: &str,
        mail_dir: PathBuf,
    ) -> Result<Self, MailerConfigError> {
        let from: Mailbox = from
            .parse()
            .map_err(|_| MailerConfigError::From(from.to_owned()))?;
        let transport = match smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    // The lettre error names the part that is wrong; it does
                    // not repeat the password.
                    .map_err(|e| MailerConfigError::SmtpUrl(e.to_string()))?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build(),
            ),
            None => Transport::Folder(mail_dir),
        };
        Ok(Self { from, transport })
    }

    /// Mail written to `dir` (development, tests).
    pub fn folder(dir: PathBuf) -> Self {
        Self {
            from: Mailbox::new(
                Some("Winkel".into()),
                lettre::Address::new("winkel", "localhost")
                    .unwrap_or_else(|_| unreachable!("a valid literal address")),
            ),
            transport: Transport::Folder(dir),
        }
    }

    /// The folder mails are written to, when there is no SMTP server.
    pub fn folder_path(&self) -> Option<&std::path::Path> {
        match &self.transport {
            Transport::Folder(dir) => Some(dir),
            Transport::Smtp(_) => None,
        }
    }

    fn message(&self, mail: &Mail) -> Result<Message, AppError> {
        let to: Mailbox = mail.to.parse().map_err(|_| {
            tracing::warn!(
                kind = mail.kind.as_str(),
                "mail not sent: the recipient address is invalid"
            );
            AppError::MailFailed
        })?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone());
        if let Some(url) = &mail.unsubscribe_url {
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let body = |text: &str| eight_bit(text).unwrap_or_else(|| Body::new(text.to_owned()));
        let built = match &mail.html {
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(body(&mail.body)),
            Some(html) => builder.multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(body(&mail.body)),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(body(html)),
                    ),
            ),
        };
        built.map_err(|error| {
            tracing::error!(kind = mail.kind.as_str(), %error, "mail could not be built");
            AppError::MailFailed
        })
    }

    /// Sends one mail. A failure is logged (without the address) and comes
    /// back as `AppError::MailFailed`, which tells the user plainly.
    pub async fn send(&self, mail: &Mail) -> Result<(), AppError> {
        let message = self.message(mail)?;
        match &self.transport {
            Transport::Smtp(smtp) => match smtp.send(message).await {
                Ok(_) => {
                    tracing::info!(kind = mail.kind.as_str(), "mail sent");
                    Ok(())
                }
                Err(error) => {
                    tracing::error!(kind = mail.kind.as_str(), %error, "sending mail failed");
                    Err(AppError::MailFailed)
                }
            },
            Transport::Folder(dir) => {
                let name = format!(
                    "{}-{}.eml",
                    chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f"),
                    crate::ssr::random_token()?
                );
                let written = async {
                    tokio::fs::create_dir_all(dir).await?;
                    tokio::fs::write(dir.join(&name), message.formatted()).await
                };
                match written.await {
                    Ok(()) => {
                        tracing::info!(kind = mail.kind.as_str(), file = %name, "mail written to the mail folder");
                        Ok(())
                    }
                    Err(error) => {
                        tracing::error!(kind = mail.kind.as_str(), %error, "writing mail to the mail folder failed");
                        Err(AppError::MailFailed)
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_and_senders_are_checked_at_start() {
        let dir = std::env::temp_dir();
        assert!(Mailer::new(
            Some("smtps://u:p@mail.example.nl"),
            DEFAULT_FROM,
            dir.clone()
        )
        .is_ok());
        assert!(matches!(
            Mailer::new(Some("http://mail.example.nl"), DEFAULT_FROM, dir.clone()),
            Err(MailerConfigError::SmtpUrl(_))
        ));
        assert!(matches!(
            Mailer::new(None, "geen adres", dir.clone()),
            Err(MailerConfigError::From(_))
        ));
        let debug = format!(
            "{:?}",
            Mailer::new(Some("smtps://u:geheim@mail.example.nl"), DEFAULT_FROM, dir)
                .map_err(|e| e.to_string())
        );
        assert!(!debug.contains("geheim"), "{debug}");
    }

    #[tokio::test]
    async fn without_smtp_mail_lands_in_the_folder_with_unsubscribe_headers() {
        let dir = std::env::temp_dir().join(format!("winkel_mailer_{}", std::process::id()));
        let mailer = Mailer::new(None, DEFAULT_FROM, dir.clone()).map_err(|e| e.to_string());
        let Ok(mailer) = mailer else {
            panic!("mailer: {mailer:?}");
        };
        let mail = Mail {
            kind: MailKind::QuestionAnswer,
            to: "an@example.nl".into(),
            subject: "Hallo".into(),
            body: "Tekst".into(),
            html: None,
            unsubscribe_url: Some("https://winkel.example/newsletter/unsubscribe?t=x".into()),
        };
        assert_eq!(mailer.send(&mail).await, Ok(()));
        let files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        assert_eq!(files.len(), 1);
        let text = std::fs::read_to_string(&files[0]).unwrap_or_default();
        assert!(text.contains("Content-Transfer-Encoding: 8bit"), "{text}");
        assert!(text.contains("\r\nTekst"), "{text}");
        assert!(text.contains("To: an@example.nl"), "{text}");
        assert!(
            text.contains("List-Unsubscribe: <https://winkel.example/newsletter/unsubscribe?t=x>"),
            "{text}"
        );
        assert!(text.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        let _ = std::fs::remove_dir_all(&dir);
        let bad = Mail {
            to: "geen adres".into(),
            ..mail
        };
        assert_eq!(mailer.send(&bad).await, Err(AppError::MailFailed));
    }

    #[tokio::test]
    async fn a_mail_with_html_is_a_multipart_alternative_with_the_text_first() {
        let dir = std::env::temp_dir().join(format!("winkel_mailer_html_{}", std::process::id()));
        let mailer = Mailer::folder(dir.clone());
        let mail = Mail {
            kind: MailKind::OrderPaid,
            to: "an@example.nl".into(),
            subject: "Betaald".into(),
            body: "Tekst".into(),
            html: Some("<p>Tekst &amp; meer</p>".into()),
            unsubscribe_url: None,
        };
        assert_eq!(mailer.send(&mail).await, Ok(()));
        let files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&files[0]).unwrap_or_default();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            text.contains("Content-Type: multipart/alternative"),
            "{text}"
        );
        let plain = text.find("Content-Type: text/plain; charset=utf-8");
        let html = text.find("Content-Type: text/html; charset=utf-8");
        assert!(plain.is_some() && html.is_some() && plain < html, "{text}");
        assert!(text.contains("\r\n<p>Tekst &amp; meer</p>"), "{text}");
    }
}
