//! `winkel seed --demo`: a believable small shop. Written in one
//! transaction, so an interrupted seed leaves nothing half done; a second run
//! changes nothing.

use super::progress::bar;
use crate::error::CliError;
use app::ssr::entities::{category, page, product, setting};
use app::ssr::now_utc;
use app::validate::slugify;
use sea_orm::{
    ActiveValue::Set, DatabaseConnection, EntityTrait, PaginatorTrait, TransactionTrait,
};
use std::path::Path;

/// Every demo text in Dutch and in English.
struct DemoProduct {
    name: &'static str,
    name_en: &'static str,
    price_cents: i64,
    stock: i32,
    description: &'static str,
    description_en: &'static str,
}

struct DemoCategory {
    name: &'static str,
    name_en: &'static str,
    slug: &'static str,
    vat_rate_bp: i32,
    colour: &'static str,
    products: [DemoProduct; 6],
}

/// A product: (Dutch, English) name, price, stock, (Dutch, English) text.
const fn p(
    (name, name_en): (&'static str, &'static str),
    price_cents: i64,
    stock: i32,
    (description, description_en): (&'static str, &'static str),
) -> DemoProduct {
    DemoProduct {
        name,
        name_en,
        price_cents,
        stock,
        description,
        description_en,
    }
}

const DEMO: [DemoCategory; 4] = [
    DemoCategory {
        name: "Koffie & thee",
        name_en: "Coffee & tea",
        slug: "koffie-thee",
        vat_rate_bp: 900,
        colour: "#7b4b2a",
        products: [
            p(
                ("Espressobonen Amsterdam", "Amsterdam espresso beans"),
                1295,
                40,
                ("Donkere branding met tonen van cacao, gebrand in Amsterdam-Noord. 500 gram.", "Dark roast with notes of cocoa, roasted in Amsterdam-Noord. 500 grams."),
            ),
            p(
                ("Filterkoffie Utrecht", "Utrecht filter coffee"),
                1095,
                35,
                ("Zachte, ronde koffie voor de filter of de French press. 500 gram.", "Smooth, rounded coffee for the filter or the French press. 500 grams."),
            ),
            p(
                ("Decaf Groningen", "Groningen decaf"),
                1195,
                20,
                ("Cafeïnevrij via het Zwitserse waterproces; volle smaak, rustige nacht. 250 gram.", "Decaffeinated by the Swiss Water Process: full flavour, a quiet night. 250 grams."),
            ),
            p(
                ("Groene thee Sencha", "Sencha green tea"),
                895,
                25,
                ("Frisse Japanse sencha, losse blaadjes. 100 gram.", "Fresh Japanese sencha, loose leaves. 100 grams."),
            ),
            p(
                ("Rooibos Vanille", "Vanilla rooibos"),
                695,
                30,
                ("Zoete rooibos met vanille, van nature cafeïnevrij. 100 gram.", "Sweet rooibos with vanilla, naturally caffeine-free. 100 grams."),
            ),
            p(
                ("Verse muntthee", "Fresh mint tea"),
                595,
                0,
                ("Gedroogde Nederlandse munt voor een frisse kop. 50 gram.", "Dried Dutch mint for a refreshing cup. 50 grams."),
            ),
        ],
    },
    DemoCategory {
        name: "Keuken",
        name_en: "Kitchen",
        slug: "keuken",
        vat_rate_bp: 2100,
        colour: "#2a6f7b",
        products: [
            p(
                ("Koffiemolen handmatig", "Hand coffee grinder"),
                4995,
                12,
                ("Keramisch maalwerk, traploos instelbaar van espresso tot filter.", "Ceramic burrs, steplessly adjustable from espresso to filter."),
            ),
            p(
                ("Theepot gietijzer", "Cast-iron teapot"),
                3995,
                8,
                ("Gietijzeren pot van 0,8 liter met roestvrijstalen filter.", "Cast-iron pot of 0.8 litres with a stainless steel strainer."),
            ),
            p(
                ("Snijplank eikenhout", "Oak chopping board"),
                2995,
                15,
                ("Massief eiken, geolied, 40 x 25 cm.", "Solid oak, oiled, 40 x 25 cm."),
            ),
            p(
                ("Koksmes 20 cm", "Chef's knife 20 cm"),
                7995,
                6,
                ("Gesmeed staal, houten heft, scherp geleverd.", "Forged steel, wooden handle, delivered sharp."),
            ),
            p(
                ("Schort linnen", "Linen apron"),
                2495,
                20,
                ("Stevig linnen schort met twee zakken, in de was te doen.", "Sturdy linen apron with two pockets, machine washable."),
            ),
            p(
                ("Kaasschaaf klassiek", "Classic cheese slicer"),
                1495,
                50,
                ("De Nederlandse kaasschaaf, roestvrij staal.", "The Dutch cheese slicer, stainless steel."),
            ),
        ],
    },
    DemoCategory {
        name: "Wonen",
        name_en: "Home",
        slug: "wonen",
        vat_rate_bp: 2100,
        colour: "#5b7b2a",
        products: [
            p(
                ("Plaid wol", "Wool throw"),
                6995,
                10,
                ("Zachte plaid van Texelse wol, 130 x 180 cm.", "Soft throw of Texel wool, 130 x 180 cm."),
            ),
            p(
                ("Kaars sojawas", "Soy wax candle"),
                1295,
                60,
                ("Geurloze kaars van sojawas, brandt 40 uur.", "Unscented soy wax candle, burns for 40 hours."),
            ),
            p(
                ("Vaas aardewerk", "Earthenware vase"),
                3495,
                9,
                ("Handgedraaide vaas, elk exemplaar is net iets anders.", "Hand-thrown vase; no two are quite alike."),
            ),
            p(
                ("Kussenhoes linnen", "Linen cushion cover"),
                2295,
                25,
                ("Gewassen linnen, 50 x 50 cm, met rits.", "Washed linen, 50 x 50 cm, with a zip."),
            ),
            p(
                ("Fotolijst eiken", "Oak photo frame"),
                1995,
                30,
                ("Eiken lijst voor een foto van 13 x 18 cm.", "Oak frame for a 13 x 18 cm photo."),
            ),
            p(
                ("Deurmat kokos", "Coir doormat"),
                2795,
                14,
                ("Stevige kokosmat, 40 x 60 cm.", "Sturdy coir mat, 40 x 60 cm."),
            ),
        ],
    },
    DemoCategory {
        name: "Verzorging",
        name_en: "Personal care",
        slug: "verzorging",
        vat_rate_bp: 2100,
        colour: "#7b2a5b",
        products: [
            p(
                ("Handzeep lavendel", "Lavender hand soap"),
                795,
                45,
                ("Vloeibare zeep met lavendelolie, 300 ml, navulbaar.", "Liquid soap with lavender oil, 300 ml, refillable."),
            ),
            p(
                ("Handcrème calendula", "Calendula hand cream"),
                995,
                40,
                ("Rijke crème voor droge handen, 75 ml.", "Rich cream for dry hands, 75 ml."),
            ),
            p(
                ("Zeepblok olijf", "Olive oil soap bar"),
                595,
                70,
                ("Koudgeroerde zeep van olijfolie, 100 gram.", "Cold-process olive oil soap, 100 grams."),
            ),
            p(
                ("Scheerkwast", "Shaving brush"),
                2495,
                11,
                ("Kwast met synthetische haren en een beuken handvat.", "Brush with synthetic bristles and a beech handle."),
            ),
            p(
                ("Lippenbalsem honing", "Honey lip balm"),
                450,
                90,
                ("Met bijenwas en honing uit Friesland.", "With beeswax and honey from Friesland."),
            ),
            p(
                ("Badzout zeewier", "Seaweed bath salt"),
                1295,
                22,
                ("Zout uit de Waddenzee met gedroogd zeewier, 500 gram.", "Salt from the Wadden Sea with dried seaweed, 500 grams."),
            ),
        ],
    },
];

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

const ABOUT: &str =
    "Winkel is een kleine zaak met **eerlijke spullen** voor keuken, huis en verzorging.\n\n\
Wij bewaren alleen wat nodig is om je bestelling te leveren. Lees er alles over in onze \
[privacyverklaring](/privacy).\n";

const ABOUT_EN: &str =
    "Winkel is a small shop with **honest goods** for the kitchen, the home and personal care.\n\n\
We keep only what we need to deliver your order. Read all about it in our \
[privacy statement](/en/privacy).\n";

/// A small product picture: a coloured card with the product's name.
fn product_svg(name: &str, colour: &str) -> String {
    let initial = name.chars().next().unwrap_or('W');
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240" viewBox="0 0 320 240"><rect width="320" height="240" fill="{colour}"/><circle cx="160" cy="100" r="56" fill="#fff" fill-opacity=".18"/><text x="160" y="122" font-family="Georgia,serif" font-size="64" fill="#fff" text-anchor="middle">{initial}</text><text x="160" y="205" font-family="Helvetica,Arial,sans-serif" font-size="18" fill="#fff" text-anchor="middle">{}</text></svg>"##,
        escape_xml(name)
    )
}

/// The demo shop's identity settings (`cms::models::ShopIdentity`), in the
/// form the settings screen saves them.
const DEMO_IDENTITY: [(&str, &str); 7] = [
    ("legal_name", "Winkel Demo B.V."),
    ("street", "Voorbeeldstraat 1"),
    ("postcode", "3511 AB"),
    ("city", "Utrecht"),
    ("kvk_number", "12345678"),
    ("vat_id", "NL123456789B01"),
    ("iban", "NL91 ABNA 0417 1643 00"),
];

pub async fn demo(db: &DatabaseConnection, uploads_dir: &Path) -> Result<(), CliError> {
    if category::Entity::find().count(db).await? > 0 {
        eprintln!("the shop already has a catalogue; nothing seeded");
        return Ok(());
    }
    let image_dir = uploads_dir.join("products");
    std::fs::create_dir_all(&image_dir)?;
    let total: usize = DEMO.iter().map(|c| c.products.len()).sum();
    let progress = bar(total as u64, "products");
    let now = now_utc();

    let txn = db.begin().await?;
    for (position, demo) in DEMO.iter().enumerate() {
        let category_id = category::Entity::insert(category::ActiveModel {
            name: Set(demo.name.into()),
            name_en: Set(Some(demo.name_en.into())),
            slug: Set(demo.slug.into()),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        for item in &demo.products {
            let slug = slugify(item.name);
            // Images first: a product row never points at a missing file.
            let file = format!("{slug}.svg");
            std::fs::write(image_dir.join(&file), product_svg(item.name, demo.colour))?;
            product::Entity::insert(product::ActiveModel {
                category_id: Set(category_id),
                name: Set(item.name.into()),
                slug: Set(slug),
                description: Set(item.description.into()),
                name_en: Set(Some(item.name_en.into())),
                description_en: Set(Some(item.description_en.into())),
                price_cents: Set(item.price_cents),
                vat_rate_bp: Set(demo.vat_rate_bp),
                stock: Set(item.stock),
                image: Set(Some(format!("/uploads/products/{file}"))),
                active: Set(true),
                created_at: Set(now),
                ..Default::default()
            })
            .exec(&txn)
            .await?;
            progress.inc(1);
        }
    }
    page::Entity::insert(page::ActiveModel {
        slug: Set("over-ons".into()),
        title: Set("Over ons".into()),
        body_markdown: Set(ABOUT.into()),
        title_en: Set(Some("About us".into())),
        body_markdown_en: Set(Some(ABOUT_EN.into())),
        published: Set(true),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    // A demo shop names itself as a business, so that its payment
    // instructions and invoices show what a real shop's do (the IBAN is the
    // well-known example account). A shop that set its own keeps them.
    for (key, value) in DEMO_IDENTITY {
        setting::Entity::insert(setting::ActiveModel {
            key: Set(key.into()),
            value: Set(value.into()),
        })
        .on_conflict(
            // A no-op update on MySQL, which has no DO NOTHING.
            sea_orm::sea_query::OnConflict::column(setting::Column::Key)
                .do_nothing_on([setting::Column::Key])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    let bookable = super::seed_bookings::seed(&txn, now).await?;
    txn.commit().await?;
    progress.finish();
    eprintln!(
        "seeded {} categories, {total} products and {bookable} bookable items",
        DEMO.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_identity_passes_the_settings_checks() {
        let get = |key: &str| {
            DEMO_IDENTITY
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
                .unwrap_or_default()
        };
        let input = app::cms::models::ShopIdentityInput {
            legal_name: get("legal_name"),
            street: get("street"),
            postcode: get("postcode"),
            city: get("city"),
            kvk_number: get("kvk_number"),
            vat_id: get("vat_id"),
            iban: get("iban"),
        };
        let mut errors = app::validate::FieldErrors::default();
        let identity = app::cms::rules::validate_identity(&input, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let identity = identity.expect("valid");
        assert!(identity.complete_for_invoices());
        assert_eq!(identity.iban, get("iban"), "stored as the screen saves it");
    }

    #[test]
    fn demo_has_24_products_in_4_categories_with_unique_slugs() {
        let slugs: std::collections::HashSet<String> = DEMO
            .iter()
            .flat_map(|c| c.products.iter().map(|p| slugify(p.name)))
            .collect();
        assert_eq!(DEMO.len(), 4);
        assert_eq!(slugs.len(), 24);
    }

    #[test]
    fn every_demo_text_has_its_english_version() {
        for c in &DEMO {
            assert!(!c.name_en.trim().is_empty(), "{}", c.name);
            for p in &c.products {
                assert!(!p.name_en.trim().is_empty(), "{}", p.name);
                assert!(!p.description_en.trim().is_empty(), "{}", p.name);
                assert_ne!(p.name, p.name_en);
            }
        }
        assert!(ABOUT_EN.contains("(/en/privacy)"));
    }

    #[test]
    fn images_escape_names() {
        assert!(product_svg("A & B <x>", "#000").contains("A &amp; B &lt;x&gt;"));
    }
}
