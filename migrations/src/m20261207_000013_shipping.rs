//! Shipping rates the owner sets in the CMS (issue 20, item 3), and the
//! terms and returns pages every shop starts with (item 7).
//!
//! `shipping_zones`: one row per country delivered to, with its rate and an
//! optional free-shipping threshold (VAT-inclusive cents), active or not.
//! Seeded with what was fixed in code until now (NL and BE: € 4,95, free
//! from € 50), so an existing shop charges exactly what it charged before.
//! Pickup (on/off and its hint) lives in `settings` (`pickup_enabled`,
//! `pickup_note`); absent means on, as before. A placed order keeps its own
//! `shipping_cents`: changing a zone never changes an order.
//!
//! The pages `voorwaarden` and `retourneren` (Dutch and English text) are
//! inserted where their slug is still free: a fresh shop and an existing
//! one both get them; a page the owner already made under that slug stays.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (country, rate, free from): the rules that were constants in code.
const ZONES: [(&str, i64, i64); 2] = [("NL", 495, 5_000), ("BE", 495, 5_000)];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("shipping_zones")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len_uniq("country", 2))
                    .col(big_integer("rate_cents"))
                    .col(big_integer_null("free_from_cents"))
                    .col(boolean("active").default(true))
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert();
        insert.into_table("shipping_zones").columns([
            "country",
            "rate_cents",
            "free_from_cents",
            "active",
        ]);
        for (country, rate, free_from) in ZONES {
            insert.values_panic([country.into(), rate.into(), free_from.into(), true.into()]);
        }
        manager.exec_stmt(insert).await?;

        let db = manager.get_connection();
        for page in PAGES {
            let taken = db
                .query_one(
                    Query::select()
                        .column("id")
                        .from("pages")
                        .and_where(Expr::col("slug").eq(page.slug)),
                )
                .await?
                .is_some();
            if taken {
                continue;
            }
            manager
                .exec_stmt(
                    Query::insert()
                        .into_table("pages")
                        .columns([
                            "slug",
                            "title",
                            "body_markdown",
                            "title_en",
                            "body_markdown_en",
                            "published",
                            "updated_at",
                        ])
                        .values_panic([
                            page.slug.into(),
                            page.title.into(),
                            page.body.into(),
                            page.title_en.into(),
                            page.body_en.into(),
                            true.into(),
                            Expr::current_timestamp(),
                        ])
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The pages stay: the owner may have rewritten them.
        manager
            .drop_table(Table::drop().table("shipping_zones").to_owned())
            .await
    }
}

struct DefaultPage {
    slug: &'static str,
    title: &'static str,
    body: &'static str,
    title_en: &'static str,
    body_en: &'static str,
}

const PAGES: [DefaultPage; 2] = [
    DefaultPage {
        slug: "voorwaarden",
        title: "Algemene voorwaarden",
        body: TERMS_NL,
        title_en: "Terms and conditions",
        body_en: TERMS_EN,
    },
    DefaultPage {
        slug: "retourneren",
        title: "Retourneren en herroepingsrecht",
        body: RETURNS_NL,
        title_en: "Returns and right of withdrawal",
        body_en: RETURNS_EN,
    },
];

const TERMS_NL: &str = "\
*Dit is een voorbeeldtekst. Pas hem aan aan je eigen winkel (CMS → Pagina's).*

## 1. Wie wij zijn

Deze voorwaarden gelden voor elke bestelling in deze webwinkel. Onze naam, ons \
adres, ons KvK-nummer en ons btw-id staan in de [privacyverklaring](/privacy) \
en op elke factuur. Vragen? Gebruik het [contactformulier](/contact).

## 2. Aanbod en prijzen

Alle prijzen zijn in euro's en inclusief btw. Verzendkosten zie je in de \
winkelwagen en bij het afrekenen, voordat je bestelt. Kennelijke vergissingen \
in het aanbod (een verkeerde prijs of afbeelding) binden ons niet.

## 3. De overeenkomst

De overeenkomst komt tot stand zodra je de bestelling plaatst; je krijgt \
direct een bevestiging. Je betaalt op de manier die je bij de bestelling \
kiest. Bij betaling per overschrijving versturen we zodra de betaling binnen is.

## 4. Levering

We leveren op het adres dat je opgeeft, of je haalt de bestelling af als dat \
kan. We streven naar levering binnen enkele werkdagen en uiterlijk binnen 30 \
dagen. Lukt dat niet, dan hoor je dat van ons en mag je de bestelling \
kosteloos ontbinden. Het risico van beschadiging en verlies gaat op je over \
zodra je de bestelling ontvangt.

## 5. Herroepingsrecht (14 dagen bedenktijd)

Als consument mag je een online aankoop binnen 14 dagen zonder opgave van \
redenen ontbinden. Die termijn begint op de dag na ontvangst van het \
(laatste) artikel. Hoe dat gaat, wat het kost en het modelformulier staan op \
de pagina [Retourneren](/retourneren). Uitgezonderd zijn onder meer snel \
bederfelijke producten, artikelen die op jouw wens zijn gemaakt en verzegelde \
artikelen die om hygiënische redenen niet retour kunnen na opening.

## 6. Garantie en conformiteit

Wat je koopt, moet voldoen aan de overeenkomst en de eigenschappen hebben die \
je redelijkerwijs mag verwachten. Je wettelijke rechten blijven altijd \
bestaan. Is er iets mis, meld het ons dan zo snel mogelijk, het liefst binnen \
twee maanden nadat je het gebrek ontdekte; we zorgen dan voor herstel, \
vervanging of terugbetaling.

## 7. Klachten

Klachten kun je via het [contactformulier](/contact) indienen. We \
bevestigen je klacht en antwoorden binnen 14 dagen. Komen we er samen niet \
uit, dan kun je je wenden tot de bevoegde rechter of het Europese \
ODR-platform: <https://ec.europa.eu/consumers/odr>.

## 8. Persoonsgegevens

We gebruiken je gegevens alleen om je bestelling af te handelen; zie de \
[privacyverklaring](/privacy).

## 9. Toepasselijk recht

Op deze voorwaarden en elke overeenkomst met ons is Nederlands recht van \
toepassing. Woon je in een ander EU-land, dan houd je de bescherming van de \
dwingende regels van dat land.
";

const TERMS_EN: &str = "\
*This is an example text. Adapt it to your own shop (CMS → Pages).*

## 1. Who we are

These terms apply to every order in this web shop. Our name, address, Chamber \
of Commerce (KvK) number and VAT id are in the [privacy statement](/en/privacy) \
and on every invoice. Questions? Use the [contact form](/en/contact).

## 2. Offer and prices

All prices are in euros and include VAT. You see the shipping costs in the \
cart and at checkout, before you order. Obvious mistakes in the offer (a \
wrong price or picture) do not bind us.

## 3. The contract

The contract is made as soon as you place the order; you get a confirmation \
straight away. You pay the way you choose when ordering. When you pay by bank \
transfer, we ship once the payment has arrived.

## 4. Delivery

We deliver to the address you give, or you pick the order up where that is \
possible. We aim to deliver within a few working days and at the latest \
within 30 days. If we cannot, we tell you and you may cancel the order free \
of charge. The risk of damage and loss passes to you when you receive the \
order.

## 5. Right of withdrawal (14 days)

As a consumer you may cancel an online purchase within 14 days without giving \
a reason. The period starts the day after you receive the (last) item. How it \
works, what it costs and the model form are on the page \
[Returns](/en/retourneren). Exceptions include perishable goods, items made to \
your wishes and sealed items that cannot be returned for hygiene reasons once \
opened.

## 6. Guarantee and conformity

What you buy must match the contract and have the qualities you may \
reasonably expect. Your statutory rights always remain. If something is \
wrong, tell us as soon as possible, preferably within two months of \
discovering the defect; we then repair, replace or refund.

## 7. Complaints

Send complaints through the [contact form](/en/contact). We confirm your \
complaint and answer within 14 days. If we cannot agree, you may go to the \
competent court or the European ODR platform: \
<https://ec.europa.eu/consumers/odr>.

## 8. Personal data

We only use your data to handle your order; see the \
[privacy statement](/en/privacy).

## 9. Applicable law

Dutch law applies to these terms and every contract with us. If you live in \
another EU country, you keep the protection of that country's mandatory rules.
";

const RETURNS_NL: &str = "\
*Dit is een voorbeeldtekst. Pas hem aan aan je eigen winkel (CMS → Pagina's).*

## 14 dagen bedenktijd

Je mag je aankoop binnen 14 dagen zonder opgave van redenen ontbinden. De \
bedenktijd begint op de dag nadat jij (of iemand die jij aanwijst) het \
artikel hebt ontvangen; bij een bestelling in delen na het laatste deel.

## Zo werkt het

1. Laat ons binnen de 14 dagen weten dat je de aankoop herroept: via het \
[contactformulier](/contact), met een duidelijke verklaring of met het \
modelformulier hieronder.
2. Stuur het artikel binnen 14 dagen na je melding terug, compleet en zo \
veel mogelijk in de originele staat en verpakking. Je mag het artikel \
uitproberen zoals je dat in een winkel zou doen.
3. We betalen het hele bedrag, inclusief de standaard verzendkosten van je \
bestelling, binnen 14 dagen na je melding terug, op dezelfde manier als je \
betaalde. We mogen wachten tot we het artikel terug hebben of je aantoont \
dat je het hebt teruggestuurd.

## Kosten

De kosten van het terugsturen betaal je zelf. Heb je een artikel meer dan \
nodig gebruikt, dan kunnen we de waardevermindering in rekening brengen.

## Uitzonderingen

Geen bedenktijd geldt voor onder meer snel bederfelijke producten, \
artikelen die op jouw wens zijn gemaakt en verzegelde artikelen die om \
gezondheids- of hygiënische redenen niet retour kunnen als de verzegeling is \
verbroken.

## Modelformulier voor herroeping

(Vul dit formulier alleen in en stuur het terug als je de overeenkomst wilt \
herroepen.)

> Aan: [naam, adres en e-mailadres van de winkel, zie de privacyverklaring]
>
> Ik deel u hierbij mede dat ik onze overeenkomst betreffende de verkoop van \
de volgende producten herroep: [artikelen]
>
> Besteld op / ontvangen op: [datum]
>
> Bestelnummer: [nummer]
>
> Naam en adres: [jouw naam en adres]
>
> Handtekening (alleen als je dit formulier op papier verstuurt)
>
> Datum:
";

const RETURNS_EN: &str = "\
*This is an example text. Adapt it to your own shop (CMS → Pages).*

## 14 days to change your mind

You may cancel your purchase within 14 days without giving a reason. The \
period starts the day after you (or someone you name) received the item; for \
an order delivered in parts, after the last part.

## How it works

1. Tell us within the 14 days that you withdraw: through the \
[contact form](/en/contact), with a clear statement or with the model form \
below.
2. Send the item back within 14 days of telling us, complete and as far as \
possible in its original state and packaging. You may try the item as you \
would in a shop.
3. We refund the whole amount, including the standard shipping costs of your \
order, within 14 days of your notice, the same way you paid. We may wait \
until we have the item back or you show that you sent it.

## Costs

You pay the cost of sending the item back. If you used an item more than \
needed, we may charge the loss in value.

## Exceptions

There is no right of withdrawal for, among others, perishable goods, items \
made to your wishes and sealed items that cannot be returned for health or \
hygiene reasons once the seal is broken.

## Model withdrawal form

(Only fill in and return this form if you want to withdraw from the \
contract.)

> To: [the shop's name, address and email address, see the privacy statement]
>
> I hereby give notice that I withdraw from my contract of sale of the \
following goods: [items]
>
> Ordered on / received on: [date]
>
> Order number: [number]
>
> Name and address: [your name and address]
>
> Signature (only if this form is sent on paper)
>
> Date:
";
