//! Open enums: every named enum of the spec becomes a Rust enum with one variant per known value
//! plus `Unrecognized(String)`, so that a value Naver adds tomorrow is kept, not a decode error.
//!
//! The behaviour (serde, `Display`, `FromStr`, `as_str`) lives once in the handwritten
//! `open_enum!` macro of `npay-order-api`; this file only emits one invocation per enum.

use std::collections::BTreeSet;
use std::fmt::Write;

use anyhow::{Result, bail};

use crate::output::RUST_BANNER;
use crate::spec::{EnumDef, Spec};

/// Renders `crates/npay-order-api/src/generated/enums.rs`.
pub fn generate(spec: &Spec) -> Result<String> {
    let mut out = String::from(RUST_BANNER);
    out.push_str("//! The spec's named enums, open to values this version does not know.\n\n");
    for def in &spec.enums {
        render(&mut out, def)?;
    }
    Ok(out)
}

fn render(out: &mut String, def: &EnumDef) -> Result<()> {
    writeln!(out, "crate::open_enum! {{")?;
    for line in doc_lines(def.description.as_deref().unwrap_or(&def.name)) {
        writeln!(out, "    #[doc = {line:?}]")?;
    }
    writeln!(out, "    {} {{", def.name)?;
    for variant in variants(def)? {
        writeln!(out, "        #[doc = {:?}]", variant.doc)?;
        writeln!(out, "        {} => {:?},", variant.name, variant.value)?;
    }
    writeln!(out, "    }}")?;
    writeln!(out, "}}\n")?;
    Ok(())
}

/// Renders `crates/npay-sandbox/src/generated/enums.rs`: the same enums, closed and `Copy`, as
/// the sandbox keeps them (it only ever holds values it knows; the handwritten `str_enum!` macro
/// of its `enums.rs` gives them `ALL`, `as_str`, `parse` and serde).
pub fn generate_sandbox(spec: &Spec) -> Result<String> {
    let mut out = String::from(RUST_BANNER);
    out.push_str(
        "//! The spec's named enums, closed, for the sandbox (the clients' open enums are\n\
         //! `npay_order_api::enums`, from the same schemas).\n",
    );
    for def in &spec.enums {
        writeln!(out)?;
        writeln!(out, "str_enum!(")?;
        for line in doc_lines(def.description.as_deref().unwrap_or(&def.name)) {
            writeln!(out, "    #[doc = {line:?}]")?;
        }
        writeln!(out, "    {} {{", def.name)?;
        for variant in variants(def)? {
            writeln!(out, "        {} = {:?},", variant.name, variant.value)?;
        }
        writeln!(out, "    }}\n);")?;
    }
    Ok(out)
}

/// One value of an enum: its wire form, Rust variant name and doc line.
struct Variant {
    value: String,
    name: String,
    doc: String,
}

/// The variants of `def`, named from the values (or `x-npay-enum-varnames`), checked usable.
fn variants(def: &EnumDef) -> Result<Vec<Variant>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for value in &def.values {
        let name = match def.varnames.get(value) {
            Some(name) => name.clone(),
            None if !value.is_ascii() => {
                bail!("enum {}: value {value:?} is not ASCII; give it a Rust name in x-npay-enum-varnames", def.name)
            }
            None => variant_name(value),
        };
        if !is_identifier(&name) || name == "Unrecognized" || !seen.insert(name.clone()) {
            bail!(
                "enum {}: value {value:?} gives the variant name {name:?}, which is not usable; name it in x-npay-enum-varnames",
                def.name
            );
        }
        let doc = def.labels.get(value).map_or_else(|| format!("`{value}`"), |label| format!("`{value}`: {label}"));
        out.push(Variant { value: value.clone(), name, doc });
    }
    Ok(out)
}

/// `PAYMENT_WAITING` → `PaymentWaiting`; `1004HOME` → `V1004home`.
pub fn variant_name(value: &str) -> String {
    let mut name = String::new();
    for word in value.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.push(first.to_ascii_uppercase());
            name.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        // The one upper-case Rust keyword (`type: SELF` of the token request).
        name.push('_');
    }
    name
}

fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn doc_lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.trim().lines().map(|line| format!(" {}", line.trim_end()))
}

#[cfg(test)]
mod tests {
    use super::variant_name;

    #[test]
    fn variant_names_are_upper_camel_case() {
        assert_eq!(variant_name("PAYMENT_WAITING"), "PaymentWaiting");
        assert_eq!(variant_name("GW.BLOCK.01"), "GwBlock01");
        assert_eq!(variant_name("1004HOME"), "V1004home");
        assert_eq!(variant_name("SELF"), "Self_");
    }
}
