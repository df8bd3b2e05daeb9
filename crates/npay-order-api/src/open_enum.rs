//! The one definition of how the spec's enums behave; `generated/enums.rs` only invokes it.

/// What every open enum of the spec offers, for code that handles any of them (validation,
/// bindings).
pub trait OpenEnum {
    /// Every value this version knows, in the spec's order.
    const VALUES: &'static [&'static str];
    /// The wire value.
    fn as_str(&self) -> &str;
    /// Whether the value is one the spec lists.
    fn is_known(&self) -> bool;
}

/// Declares an *open* string enum: one variant per known wire value plus `Unrecognized(String)`,
/// which keeps any value Naver adds after this SDK was generated.
///
/// It serialises to and from the wire string, implements `Display` and an infallible `FromStr`,
/// and offers `as_str`, `is_known` and `VALUES` (every known value, in the spec's order).
///
/// ```
/// npay_order_api::open_enum! {
///     #[doc = "Where a parcel is."]
///     ParcelState {
///         #[doc = "On its way"]
///         OnTheWay => "ON_THE_WAY",
///     }
/// }
/// let known: ParcelState = serde_json::from_str("\"ON_THE_WAY\"").unwrap();
/// assert_eq!(known, ParcelState::OnTheWay);
/// let new: ParcelState = serde_json::from_str("\"TELEPORTED\"").unwrap();
/// assert_eq!(new.as_str(), "TELEPORTED");
/// assert!(!new.is_known());
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $value:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the SDK does not know, kept exactly as the server sent it.
            Unrecognized(::std::string::String),
        }

        impl $name {
            /// Every value this version knows, in the spec's order.
            pub const VALUES: &'static [&'static str] = &[$($value),*];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unrecognized(value) => value.as_str(),
                }
            }

            /// Whether this value is one the spec lists (not `Unrecognized`).
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unrecognized(_))
            }

            /// The variant of a known wire value, or `None`.
            pub fn from_known(value: &str) -> ::std::option::Option<Self> {
                match value {
                    $( $value => ::std::option::Option::Some(Self::$variant), )*
                    _ => ::std::option::Option::None,
                }
            }
        }

        impl $crate::OpenEnum for $name {
            const VALUES: &'static [&'static str] = $name::VALUES;
            fn as_str(&self) -> &str {
                $name::as_str(self)
            }
            fn is_known(&self) -> bool {
                $name::is_known(self)
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::from_known(value).unwrap_or_else(|| Self::Unrecognized(value.to_owned()))
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::from_known(&value).unwrap_or(Self::Unrecognized(value))
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(value.as_ref()))
            }
        }
    };
}
