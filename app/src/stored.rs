//! Domain states that are stored in a text column and travel to the
//! browser. One definition names each variant once: serde and (on the
//! server) SeaORM use that name, and `as_str`, `parse` and `ALL` come with
//! it, so the rules still build for the browser without SeaORM.

/// `stored_enum! { /// what it is
///     pub enum Name { Variant = "stored_name", … } }`
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $value:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
        #[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
        pub enum $name {
            $(
                $(#[$variant_meta])*
                #[serde(rename = $value)]
                #[cfg_attr(feature = "ssr", sea_orm(string_value = $value))]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in the order of the definition.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// As stored, and as forms and URLs name it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $value,)+
                }
            }

            pub fn parse(value: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == value)
            }
        }
    };
}

pub(crate) use stored_enum;

#[cfg(test)]
mod tests {
    stored_enum! {
        /// A state for the test.
        pub enum Light {
            Red = "red",
            /// Documented variants keep their docs.
            AmberGreen = "amber_green",
        }
    }

    #[test]
    fn one_name_for_serde_parse_and_as_str() {
        assert_eq!(Light::ALL, &[Light::Red, Light::AmberGreen]);
        assert_eq!(Light::AmberGreen.as_str(), "amber_green");
        assert_eq!(Light::parse("red"), Some(Light::Red));
        assert_eq!(Light::parse("Red"), None);
        assert_eq!(
            serde_json::to_string(&Light::AmberGreen).unwrap(),
            "\"amber_green\""
        );
    }
}
