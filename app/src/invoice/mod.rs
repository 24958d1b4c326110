//! Invoices (issue 20): the rules here (numbering, VAT per rate, reverse
//! charge) are plain functions; issuing and the PDF are server-only
//! (`ssr::services::invoices`, `ssr::invoice_pdf`, `ssr::invoice_text`).

pub mod rules;
