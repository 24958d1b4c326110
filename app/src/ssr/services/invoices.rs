//! Invoices: issued in the transaction of the order or booking they are
//! for, numbered from the one counter row, and written as a PDF when
//! asked for. An issued invoice never changes: it snapshots the seller
//! (the settings' shop identity), the buyer (the invoice address given at
//! checkout) and the lines as charged. The only later change is the law's:
//! a consumer's invoice loses its buyer with the order (erasure,
//! retention); a business invoice keeps the buyer for the fiscal term
//! (7 years from its date), then loses it too (docs/operations.md).

use super::audit;
use crate::clock::{amsterdam_local, shop_today};
use crate::cms::rules::AuditAction;
use crate::customer::CustomerData;
use crate::error::AppError;
use crate::invoice::rules::{self, InvoiceLine};
use crate::locale::{date_in, date_time_in, price_in};
use crate::money::format_vat_rate;
use crate::ssr::entities::{booking, invoice, invoice_counter, order, order_line};
use crate::ssr::invoice_pdf::{Align, Document, MARGIN, PAGE_WIDTH};
use crate::ssr::invoice_text::text_in;
use chrono::NaiveDateTime;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
};

/// The buyer as the invoice names them: the customer's own (invoice)
/// address, not the delivery address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buyer {
    pub name: String,
    pub company: Option<String>,
    pub vat_number: Option<String>,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
}

impl Buyer {
    /// The buyer of an order or booking, from the checked form.
    pub fn of(person: &CustomerData) -> Self {
        let address = &person.address;
        Self {
            name: format!("{} {}", person.first_name, person.last_name),
            company: person.company_name.clone(),
            vat_number: person.vat_number.clone(),
            street: format!("{} {}", address.street, address.house_number),
            postcode: address.postcode.clone(),
            city: address.city.clone(),
            country: address.country.clone(),
        }
    }
}

/// Makes sure the counter's one row exists, before the transaction that
/// takes a number (as `booking_slots::ensure_slot` does for a slot): an
/// insert that meets an existing key inside the transaction would hold a
/// shared lock two checkouts could deadlock on (MariaDB). A plain read
/// first, so the usual case writes nothing and waits on nobody.
pub async fn ensure_counter(db: &sea_orm::DatabaseConnection) -> Result<(), AppError> {
    if invoice_counter::Entity::find_by_id(1)
        .one(db)
        .await?
        .is_some()
    {
        return Ok(());
    }
    invoice_counter::Entity::insert(invoice_counter::ActiveModel {
        id: Set(1),
        last_number: Set(0),
    })
    .on_conflict(
        // MySQL has no DO NOTHING: a no-op `UPDATE id = id` instead.
        OnConflict::column(invoice_counter::Column::Id)
            .do_nothing_on([invoice_counter::Column::Id])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Takes the next invoice number: one UPDATE of the counter's one row,
/// inside the caller's transaction. It holds the row until the commit
/// (SQLite: the IMMEDIATE transaction's write lock; MariaDB: the row
/// lock), so concurrent issues queue, and a rollback returns the number:
/// no gaps, no duplicates. It is the last lock an order takes, after its
/// stock rows, so it adds no lock cycle. Then the row is read back inside
/// the same transaction, which sees its own update on both backends.
async fn next_number(db: &impl ConnectionTrait) -> Result<i64, AppError> {
    let updated = invoice_counter::Entity::update_many()
        .col_expr(
            invoice_counter::Column::LastNumber,
            ExprTrait::add(Expr::col(invoice_counter::Column::LastNumber), 1),
        )
        .filter(invoice_counter::Column::Id.eq(1))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        tracing::error!("the invoice counter row is missing (ensure_counter first)");
        return Err(AppError::Internal);
    }
    let counter = invoice_counter::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;
    Ok(counter.last_number)
}

/// Issues the invoice of an order just written (in its transaction): the
/// order's lines as charged, shipping as a line.
pub async fn issue_for_order(
    db: &impl ConnectionTrait,
    order_id: i32,
    buyer: &Buyer,
    now: NaiveDateTime,
) -> Result<i64, AppError> {
    let order = order::Entity::find_by_id(order_id)
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;
    let reverse_charge = rules::reverse_charge(buyer.vat_number.as_deref());
    let mut lines: Vec<InvoiceLine> = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| InvoiceLine {
            description: l.product_name,
            quantity: l.quantity,
            unit_price_cents: l.unit_price_cents,
            vat_rate_bp: l.vat_rate_bp,
            shipping: false,
        })
        .collect();
    if order.shipping_cents > 0 {
        lines.push(InvoiceLine {
            description: String::new(),
            quantity: 1,
            unit_price_cents: order.shipping_cents,
            vat_rate_bp: if reverse_charge {
                0
            } else {
                crate::shop::rules::SHIPPING_VAT_BP
            },
            shipping: true,
        });
    }
    let issue = Issue {
        order_id: Some(order_id),
        booking_id: None,
        locale: order.locale,
        reverse_charge,
    };
    issue.write(db, buyer, &lines, now).await
}

/// Issues the invoice of a booking just written (in its transaction).
pub async fn issue_for_booking(
    db: &impl ConnectionTrait,
    booking: &booking::Model,
    buyer: &Buyer,
    now: NaiveDateTime,
) -> Result<i64, AppError> {
    let when = date_time_in(booking.locale, amsterdam_local(booking.starts_at));
    let lines = [InvoiceLine {
        description: format!("{}, {when}", booking.item_name),
        quantity: booking.places,
        unit_price_cents: booking.unit_price_cents,
        vat_rate_bp: booking.vat_rate_bp,
        shipping: false,
    }];
    let issue = Issue {
        order_id: None,
        booking_id: Some(booking.id),
        locale: booking.locale,
        reverse_charge: rules::reverse_charge(buyer.vat_number.as_deref()),
    };
    issue.write(db, buyer, &lines, now).await
}

struct Issue {
    order_id: Option<i32>,
    booking_id: Option<i32>,
    locale: crate::locale::Locale,
    reverse_charge: bool,
}

impl Issue {
    async fn write(
        self,
        db: &impl ConnectionTrait,
        buyer: &Buyer,
        lines: &[InvoiceLine],
        now: NaiveDateTime,
    ) -> Result<i64, AppError> {
        let settings = super::settings::load(db).await?;
        let seller = &settings.identity;
        let totals = rules::totals(lines);
        let lines_json = serde_json::to_string(lines).map_err(|_| AppError::Internal)?;
        let number = next_number(db).await?;
        invoice::Entity::insert(invoice::ActiveModel {
            number: Set(number),
            issued_at: Set(now),
            order_id: Set(self.order_id),
            booking_id: Set(self.booking_id),
            locale: Set(self.locale),
            seller_name: Set(seller.name_or(&settings.shop_name).to_owned()),
            seller_street: Set(seller.street.clone()),
            seller_postcode: Set(seller.postcode.clone()),
            seller_city: Set(seller.city.clone()),
            seller_kvk: Set(seller.kvk_number.clone()),
            seller_vat_id: Set(seller.vat_id.clone()),
            buyer_name: Set(buyer.name.clone()),
            buyer_company: Set(buyer.company.clone()),
            buyer_vat_number: Set(buyer.vat_number.clone()),
            buyer_street: Set(buyer.street.clone()),
            buyer_postcode: Set(buyer.postcode.clone()),
            buyer_city: Set(buyer.city.clone()),
            buyer_country: Set(buyer.country.clone()),
            business: Set(rules::is_business(
                buyer.company.as_deref(),
                buyer.vat_number.as_deref(),
            )),
            reverse_charge: Set(self.reverse_charge),
            lines: Set(lines_json),
            total_cents: Set(totals.total_cents),
            vat_cents: Set(totals.vat_cents),
            anonymised_at: Set(None),
            ..Default::default()
        })
        .exec(db)
        .await?;
        Ok(number)
    }
}

/// The invoice of an order, found by the order's secret token (the
/// customer's link): its PDF and its number.
pub async fn pdf_for_order_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<(i64, Vec<u8>), AppError> {
    let order = order::Entity::find()
        .filter(order::Column::Token.eq(token))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    pdf_of(db, invoice::Column::OrderId.eq(order.id)).await
}

/// The invoice of a booking, found by its confirmation token.
pub async fn pdf_for_booking_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<(i64, Vec<u8>), AppError> {
    let booking = booking::Entity::find()
        .filter(booking::Column::Token.eq(token))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    pdf_of(db, invoice::Column::BookingId.eq(booking.id)).await
}

/// What the CMS asks for: an order's or a booking's invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Of {
    Order(i32),
    Booking(i32),
}

/// An invoice for a member of staff (the caller checked the right that
/// shows the order or booking); the read is audited like viewing it
/// (AVG-11).
pub async fn pdf_for_staff(
    db: &sea_orm::DatabaseConnection,
    staff_id: i32,
    of: Of,
) -> Result<(i64, Vec<u8>), AppError> {
    let (which, action, id) = match of {
        Of::Order(id) => (invoice::Column::OrderId.eq(id), AuditAction::OrderView, id),
        Of::Booking(id) => (
            invoice::Column::BookingId.eq(id),
            AuditAction::BookingView,
            id,
        ),
    };
    let found = pdf_of(db, which).await?;
    // The buyer on the invoice is the order's (or booking's) customer.
    let customer_id = match of {
        Of::Order(id) => order::Entity::find_by_id(id)
            .one(db)
            .await?
            .and_then(|o| o.customer_id),
        Of::Booking(id) => booking::Entity::find_by_id(id)
            .one(db)
            .await?
            .and_then(|b| b.customer_id),
    };
    let detail = format!("invoice {}", rules::format_number(found.0));
    let shown = vec![audit::Shown {
        record_id: id,
        customer_id,
    }];
    audit::record_read(db, staff_id, action, Some(id), Some(detail), shown).await?;
    Ok(found)
}

async fn pdf_of(db: &impl ConnectionTrait, which: SimpleExpr) -> Result<(i64, Vec<u8>), AppError> {
    let row = invoice::Entity::find()
        .filter(which)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let pdf = render(&row)?;
    Ok((row.number, pdf))
}

/// The invoice as a PDF, in its own language.
pub fn render(row: &invoice::Model) -> Result<Vec<u8>, AppError> {
    let t = text_in(row.locale);
    let lines: Vec<InvoiceLine> =
        serde_json::from_str(&row.lines).map_err(|_| AppError::Internal)?;
    let totals = rules::totals(&lines);
    let money = |cents| price_in(row.locale, cents);
    let right = PAGE_WIDTH - MARGIN;
    let mut doc = Document::new()?;

    // The seller, and the title on the right.
    let y = doc.line(18.0);
    doc.text_at(&row.seller_name, 16.0, MARGIN, y, Align::Left);
    doc.text_at(t.title, 20.0, right, y, Align::Right);
    doc.gap(4.0);
    for text in [
        row.seller_street.clone(),
        format!("{} {}", row.seller_postcode, row.seller_city),
        format!("{}: {}", t.kvk, row.seller_kvk),
        format!("{}: {}", t.vat_id, row.seller_vat_id),
    ] {
        doc.paragraph(&text, 9.5, MARGIN);
    }
    doc.gap(16.0);

    // The invoice's facts and the buyer.
    let number = rules::format_number(row.number);
    let date = date_in(row.locale, shop_today(row.issued_at));
    let reference = match (row.order_id, row.booking_id) {
        (Some(id), _) => Some(format!("{}: {id}", t.order)),
        (None, Some(id)) => Some(format!("{}: {id}", t.booking)),
        _ => None,
    };
    let mut facts = vec![
        format!("{}: {number}", t.number),
        format!("{}: {date}", t.date),
    ];
    facts.extend(reference);
    for text in facts {
        doc.paragraph(&text, 10.0, MARGIN);
    }
    doc.gap(10.0);
    doc.paragraph(t.bill_to, 10.0, MARGIN);
    let mut buyer = Vec::new();
    if row.anonymised_at.is_some() {
        buyer.push(t.anonymised.to_owned());
    } else {
        buyer.extend(row.buyer_company.clone());
        buyer.push(row.buyer_name.clone());
        buyer.push(row.buyer_street.clone());
        buyer.push(format!("{} {}", row.buyer_postcode, row.buyer_city));
    }
    buyer.push(row.buyer_country.clone());
    if let Some(vat) = &row.buyer_vat_number {
        buyer.push(format!("{}: {vat}", t.buyer_vat));
    }
    for text in buyer {
        doc.paragraph(&text, 10.0, MARGIN + 10.0);
    }
    doc.gap(16.0);

    // The lines.
    let columns = [right - 220.0, right - 150.0, right - 80.0, right];
    let header = |doc: &mut Document| {
        let y = doc.line(14.0);
        doc.text_at(t.description, 9.0, MARGIN, y, Align::Left);
        for (text, x) in [t.quantity, t.unit_price, t.vat, t.amount]
            .into_iter()
            .zip(columns)
        {
            doc.text_at(text, 9.0, x, y, Align::Right);
        }
        doc.rule();
    };
    header(&mut doc);
    let rate = |bp: i32| {
        if row.reverse_charge {
            t.reverse_charged.to_owned()
        } else {
            format_vat_rate(bp)
        }
    };
    for line in &lines {
        let y = doc.line(14.0);
        let description = if line.shipping {
            t.shipping
        } else {
            line.description.as_str()
        };
        doc.text_at(
            &fit(&doc, description, 9.5, columns[0] - MARGIN - 40.0),
            9.5,
            MARGIN,
            y,
            Align::Left,
        );
        let cells = [
            line.quantity.to_string(),
            money(line.unit_price_cents),
            rate(line.vat_rate_bp),
            money(line.total_cents()),
        ];
        for (text, x) in cells.iter().zip(columns) {
            doc.text_at(text, 9.5, x, y, Align::Right);
        }
    }
    doc.rule();

    // Totals per VAT rate, then the sums.
    doc.gap(6.0);
    doc.paragraph(t.vat_summary, 10.0, MARGIN);
    for group in &totals.groups {
        let y = doc.line(14.0);
        let label = format!("{} {}", t.vat, rate(group.rate_bp));
        doc.text_at(&label, 9.5, MARGIN + 10.0, y, Align::Left);
        let base = format!("{} {}", t.base, money(group.base_cents));
        doc.text_at(&base, 9.5, columns[1], y, Align::Right);
        doc.text_at(&money(group.vat_cents), 9.5, right, y, Align::Right);
    }
    doc.gap(8.0);
    for (label, cents, size) in [
        (t.total_net, totals.net_cents, 10.0),
        (t.total_vat, totals.vat_cents, 10.0),
        (t.total, totals.total_cents, 12.0),
    ] {
        let y = doc.line(size * 1.5);
        doc.text_at(label, size, columns[1], y, Align::Right);
        doc.text_at(&money(cents), size, right, y, Align::Right);
    }
    if row.reverse_charge {
        doc.gap(12.0);
        doc.wrapped(t.reverse_charge_note, 9.0, MARGIN, right - MARGIN);
    }
    doc.finish(&format!("{} {number}", t.title))
}

/// `text` cut to `width` points (with an ellipsis), so that a long
/// product name never runs into the numbers.
fn fit(doc: &Document, text: &str, size: f32, width: f32) -> String {
    if doc.width(text, size) <= width {
        return text.to_owned();
    }
    let mut cut: String = text.to_owned();
    while !cut.is_empty() && doc.width(&format!("{cut}…"), size) > width {
        cut.pop();
    }
    format!("{cut}…")
}

/// Anonymises the buyer of the consumer invoices of the orders or
/// bookings that `of` selects (run before those are anonymised, by the
/// same condition). Business invoices keep their buyer: the law asks the
/// shop to keep them whole for the fiscal term.
pub async fn anonymise_consumer_invoices(
    db: &impl ConnectionTrait,
    of: SimpleExpr,
    now: NaiveDateTime,
) -> Result<u64, AppError> {
    anonymise(
        db,
        Condition::all()
            .add(invoice::Column::Business.eq(false))
            .add(of),
        now,
    )
    .await
}

/// Anonymises the buyer of every invoice older than the fiscal term
/// (issued before `cutoff`) that still names one: the business invoices
/// whose term has passed, and any other left over.
pub async fn anonymise_past_fiscal_term(
    db: &impl ConnectionTrait,
    cutoff: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<u64, AppError> {
    anonymise(
        db,
        Condition::all().add(invoice::Column::IssuedAt.lt(cutoff)),
        now,
    )
    .await
}

/// The buyer's name, company, VAT number and address become the same
/// placeholders an anonymised order has; the country stays (VAT
/// reporting), and so do the number, the date, the lines and the amounts.
async fn anonymise(
    db: &impl ConnectionTrait,
    which: Condition,
    now: NaiveDateTime,
) -> Result<u64, AppError> {
    use super::privacy::{ANONYMOUS_NAME, ANONYMOUS_TEXT};
    let updated = invoice::Entity::update_many()
        .col_expr(invoice::Column::BuyerName, Expr::value(ANONYMOUS_NAME))
        .col_expr(
            invoice::Column::BuyerCompany,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            invoice::Column::BuyerVatNumber,
            Expr::value(Option::<String>::None),
        )
        .col_expr(invoice::Column::BuyerStreet, Expr::value(ANONYMOUS_TEXT))
        .col_expr(invoice::Column::BuyerPostcode, Expr::value(ANONYMOUS_TEXT))
        .col_expr(invoice::Column::BuyerCity, Expr::value(ANONYMOUS_TEXT))
        .col_expr(invoice::Column::AnonymisedAt, Expr::value(Some(now)))
        .filter(which)
        .filter(invoice::Column::AnonymisedAt.is_null())
        .exec(db)
        .await?;
    Ok(updated.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reverse-charge invoice with a name too long for its column renders
    /// as a PDF, and the font subset keeps it small (the whole font is
    /// 760 kB).
    #[test]
    fn a_long_line_renders_a_small_pdf() {
        let lines = vec![
            InvoiceLine {
                description: "Espressobonen Amsterdam".into(),
                quantity: 2,
                unit_price_cents: 1295,
                vat_rate_bp: 900,
                shipping: false,
            },
            InvoiceLine {
                description: "Theepot gietijzer met een hele lange naam die niet in de kolom past"
                    .into(),
                quantity: 1,
                unit_price_cents: 3995,
                vat_rate_bp: 2100,
                shipping: false,
            },
            InvoiceLine {
                description: String::new(),
                quantity: 1,
                unit_price_cents: 495,
                vat_rate_bp: 2100,
                shipping: true,
            },
        ];
        let t = rules::totals(&lines);
        let row = invoice::Model {
            id: 1,
            number: 123,
            issued_at: chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
                .unwrap()
                .and_hms_opt(10, 0, 0)
                .unwrap(),
            order_id: Some(17),
            booking_id: None,
            locale: crate::locale::Locale::Nl,
            seller_name: "Winkel de Hoek B.V.".into(),
            seller_street: "Prinsengracht 263".into(),
            seller_postcode: "1016 GV".into(),
            seller_city: "Amsterdam".into(),
            seller_kvk: "12345678".into(),
            seller_vat_id: "NL123456789B01".into(),
            buyer_name: "Marieke Bakkerus".into(),
            buyer_company: Some("Bakkerij Bakkerus".into()),
            buyer_vat_number: Some("BE0123456789".into()),
            buyer_street: "Meir 1".into(),
            buyer_postcode: "2000".into(),
            buyer_city: "Antwerpen".into(),
            buyer_country: "BE".into(),
            business: true,
            reverse_charge: true,
            lines: serde_json::to_string(&lines).unwrap(),
            total_cents: t.total_cents,
            vat_cents: t.vat_cents,
            anonymised_at: None,
        };
        let pdf = render(&row).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() < 60_000, "{} bytes", pdf.len());
    }
}
