//! Open enums: an enum of the spec is a uniffi enum with one variant per known value plus
//! `Unrecognized { value }`, so that a value Naver adds tomorrow is kept, never a decode error
//! (Kotlin `ProductOrderStatus.Unrecognized("NEW_VALUE")`, Swift `.unrecognized(value:)`).
//!
//! The behaviour lives once in [`open_enum!`]; the generated code only lists the values.

/// Defines an open enum: the uniffi enum, its wire text both ways (serde), and the exported
/// `wireValue()` method.
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the SDK does not know, kept as sent.
            Unrecognized {
                /// The value as sent.
                value: String,
            },
        }

        impl $name {
            /// The value as the API writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )*
                    $name::Unrecognized { value } => value.as_str(),
                }
            }

            /// The variant of a wire value; unknown values become `Unrecognized`.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $( $wire => $name::$variant, )*
                    other => $name::Unrecognized { value: other.to_owned() },
                }
            }
        }

        #[uniffi::export]
        impl $name {
            /// The value as the API writes it (`"PAYED"`), for known and unknown values alike.
            pub fn wire_value(&self) -> String {
                self.as_str().to_owned()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Ok($name::from_wire(&value))
            }
        }
    };
}
