//! The stock alert to the shop's owner: Dutch, like the CMS it points to.

use super::MailText;
use crate::cms::models::LowStock;

/// The products at or below their threshold; `cms`: the dashboard's URL.
pub fn alert(shop: &str, low: &[LowStock], cms: &str) -> MailText {
    let lines: String = low
        .iter()
        .map(|p| {
            format!(
                "- {}: nog {} op voorraad (waarschuwen bij {})\n",
                p.name, p.stock, p.threshold
            )
        })
        .collect();
    let count = match low.len() {
        1 => "1 product".to_owned(),
        n => format!("{n} producten"),
    };
    MailText {
        subject: format!("Voorraad bijna op: {count} bij {shop}"),
        body: format!(
            "Hallo,\n\nDeze producten zitten op of onder hun voorraadgrens:\n\n{lines}\nJe krijgt deze e-mail hooguit een keer per dag. Het overzicht staat ook op het dashboard:\n{cms}\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_low_product() {
        let low = [
            LowStock {
                id: 1,
                name: "Espressobonen".into(),
                stock: 0,
                threshold: 5,
            },
            LowStock {
                id: 2,
                name: "Filterkoffie".into(),
                stock: 3,
                threshold: 3,
            },
        ];
        let mail = alert("Winkel", &low, "https://w.nl/cms");
        assert_eq!(mail.subject, "Voorraad bijna op: 2 producten bij Winkel");
        assert!(mail
            .body
            .contains("- Espressobonen: nog 0 op voorraad (waarschuwen bij 5)\n- Filterkoffie: nog 3 op voorraad (waarschuwen bij 3)\n"));
        assert!(mail.body.contains("https://w.nl/cms\n"));
        assert_eq!(
            alert("Winkel", &low[..1], "x").subject,
            "Voorraad bijna op: 1 product bij Winkel"
        );
    }
}
