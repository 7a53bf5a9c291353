//! Rust bindings: one type per table row and per enum, serde matching the DAP JSONL shapes.
//!
//! [`generate`] builds tokens with `quote!`, parses them into a `syn::File` and formats it with
//! `prettyplease`; the text starts with the @generated notice. The bindings crate (`schema/`)
//! `include!`s it from its `build.rs` output, and `cargo xtask codegen` writes the same text to
//! `schema/generated/rust/canvas_logs.rs`.
//!
//! What is emitted, all from the model:
//!
//! - per enum: a closed string enum (serde renames to the wire values, aliases for legacy sentinel
//!   spellings), an integer enum (`#[repr(u16)]` when every value fits, a JSON number on the wire,
//!   `TryFrom<u16>`/`as_u16`), or an open enum (listed variants plus `Other(String)`, the sentinel
//!   read in both spellings and written canonically); `Display`, `FromStr`, `JsonSchema`;
//! - per length-limited or sentinel-carrying string column: a text newtype (`UserAgent`) that
//!   checks the limit on construction and on deserialize and recognises the sentinels;
//! - per table: the row (`WebLog`), its key and value halves (`WebLogKey`, `WebLogValue`), the
//!   export record (`WebLogRecord`) and what a record asks for (`WebLogChange`).
//!
//! The generated code refers to a hand-written module named `support` beside it (in the bindings
//! crate, `schema/src/support.rs`) for what does not depend on the YAML: strict uuid/timestamp
//! wire forms, errors naming the column, the record envelope (`RecordMeta`, `RecordWire`).

use crate::model::{Column, ColumnType, Enum, EnumRepr, Namespace, Table};
use crate::names;
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

/// The sentinel DAP writes in place of a value too large to export.
pub const TRUNCATION_SENTINEL: &str = "__dap_oversized_truncated__";

/// Rust source of the bindings for every enum and table of `namespace`, formatted, starting with
/// the @generated line.
///
/// # Panics
/// Only on a bug in this emitter (tokens that do not parse as a Rust file); never on a checked
/// model. The unit tests generate from the embedded schema.
pub fn generate(namespace: &Namespace) -> String {
    let tokens = file_tokens(namespace);
    let file: syn::File = match syn::parse2(tokens) {
        Ok(file) => file,
        Err(error) => panic!("the Rust emitter produced tokens that do not parse: {error}"),
    };
    format!(
        "// {}\n// Rust bindings for the `{}` namespace, schema version {}.\n\n{}",
        super::GENERATED_NOTICE,
        namespace.name(),
        namespace.version(),
        separate_items(&prettyplease::unparse(&file))
    )
}

/// Puts a blank line after each top-level item (a line at column 0 closing with `}` or `;`),
/// which `prettyplease` does not do, so the rendered copy reads like hand-formatted code.
fn separate_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let ends_item =
            !line.starts_with([' ', '#', '/']) && (line.ends_with('}') || line.ends_with(';'));
        if ends_item && lines.peek().is_some_and(|next| !next.is_empty()) {
            out.push('\n');
        }
    }
    out
}

/// The names chosen for the generated types of one table.
struct TableNames {
    row: Ident,
    key: Ident,
    value: Ident,
    record: Ident,
    change: Ident,
    columns_module: Ident,
}

impl TableNames {
    fn new(table: &Table) -> TableNames {
        let row = names::rust_row_type_name(table.name());
        TableNames {
            key: format_ident!("{row}Key"),
            value: format_ident!("{row}Value"),
            record: format_ident!("{row}Record"),
            change: format_ident!("{row}Change"),
            columns_module: format_ident!("{}_columns", table.name()),
            row: format_ident!("{row}"),
        }
    }
}

/// Everything the emitter decides once per namespace: enum and text type names.
struct Context<'a> {
    namespace: &'a Namespace,
    /// For each table, for each column: the text newtype's name, if the column gets one.
    text_types: Vec<Vec<Option<Ident>>>,
}

impl<'a> Context<'a> {
    fn new(namespace: &'a Namespace) -> Context<'a> {
        // Names already taken: enums, each table's five types, and what `support` exports.
        let mut taken: Vec<String> = namespace
            .enums()
            .iter()
            .map(|e| e.rust_name().to_owned())
            .collect();
        for table in namespace.tables() {
            let row = names::rust_row_type_name(table.name());
            for suffix in ["", "Key", "Value", "Record", "Change"] {
                taken.push(format!("{row}{suffix}"));
            }
        }
        taken.extend(
            [
                "RecordMeta",
                "RecordAction",
                "RecordWire",
                "ParseEnumError",
                "TextTooLong",
            ]
            .map(String::from),
        );
        let mut text_types = Vec::new();
        for table in namespace.tables() {
            let row = names::rust_row_type_name(table.name());
            let mut per_column = Vec::new();
            for column in table.columns() {
                if !needs_text_type(column) {
                    per_column.push(None);
                    continue;
                }
                let mut name = names::rust_type_name(column.name());
                if taken.contains(&name) {
                    name = format!("{row}{name}");
                }
                while taken.contains(&name) {
                    name.push_str("Text");
                }
                taken.push(name.clone());
                per_column.push(Some(format_ident!("{name}")));
            }
            text_types.push(per_column);
        }
        Context {
            namespace,
            text_types,
        }
    }
}

/// Whether a column gets its own text type: a string with a length limit or sentinels.
fn needs_text_type(column: &Column) -> bool {
    column.ty() == ColumnType::String
        && (column.max_length().is_some() || !column.sentinels().is_empty())
}

fn file_tokens(namespace: &Namespace) -> TokenStream {
    let context = Context::new(namespace);
    let name = namespace.name();
    let version = Literal::u32_unsuffixed(namespace.version());
    let namespace_doc = doc_attrs(namespace.description());
    let mut items = vec![quote! {
        /// The namespace these bindings describe.
        #[doc = ""]
        #namespace_doc
        pub const NAMESPACE: &str = #name;
        /// The schema version the bindings were generated from (DAP numbers schemas with
        /// increasing integers).
        pub const SCHEMA_VERSION: u32 = #version;
    }];
    for e in namespace.enums() {
        items.push(match (e.repr(), e.is_open()) {
            (EnumRepr::Integer, _) => integer_enum(namespace, e),
            (EnumRepr::String, false) => closed_string_enum(namespace, e),
            (EnumRepr::String, true) => open_string_enum(namespace, e),
        });
    }
    for (table_index, table) in namespace.tables().iter().enumerate() {
        for (column_index, column) in table.columns().iter().enumerate() {
            if let Some(ident) = &context.text_types[table_index][column_index] {
                items.push(text_type(ident, column));
            }
        }
        items.push(table_items(&context, table_index, table));
    }
    quote! { #(#items)* }
}

/// `#[doc = " line"]` attributes for a description, wrapped at about 96 characters.
fn doc_attrs(text: &str) -> TokenStream {
    let lines = wrap(text, 96);
    quote! { #(#[doc = #lines])* }
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > width {
                lines.push(std::mem::take(&mut line));
            }
            line.push(' ');
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

fn enum_doc(namespace: &Namespace, e: &Enum) -> TokenStream {
    let fallback;
    let description = match e.description() {
        Some(description) => description,
        None => {
            fallback = format!(
                "The `{}` values of the `{}` namespace (no description is published).",
                e.name(),
                namespace.name()
            );
            &fallback
        }
    };
    doc_attrs(description)
}

fn variant_doc(member: &crate::model::EnumValue) -> String {
    let spellings = member.accepted_spellings();
    let canonical = &spellings[0];
    let mut doc = if member.name() == canonical {
        format!(" `{canonical}`.")
    } else {
        format!(" `{canonical}` (`{}`).", member.name())
    };
    for legacy in &spellings[1..] {
        doc.push_str(&format!(" Also read from `{legacy}`."));
    }
    doc
}

fn closed_string_enum(namespace: &Namespace, e: &Enum) -> TokenStream {
    let ident = format_ident!("{}", e.rust_name());
    let doc = enum_doc(namespace, e);
    let schema_name = e.name();
    let count = Literal::usize_unsuffixed(e.values().len());
    let mut variants = Vec::new();
    let mut all = Vec::new();
    let mut as_str_arms = Vec::new();
    let mut parse_arms = Vec::new();
    let mut canonical_values = Vec::new();
    let mut every_spelling = Vec::new();
    for member in e.values() {
        let variant = format_ident!("{}", member.rust_name());
        let spellings = member.accepted_spellings();
        let canonical = spellings[0].clone();
        let aliases = &spellings[1..];
        let doc = variant_doc(member);
        variants.push(quote! {
            #[doc = #doc]
            #[serde(rename = #canonical #(, alias = #aliases)*)]
            #variant
        });
        all.push(quote!(Self::#variant));
        as_str_arms.push(quote!(Self::#variant => #canonical));
        parse_arms.push(quote!(#(#spellings)|* => Ok(Self::#variant)));
        canonical_values.push(canonical);
        every_spelling.extend(spellings.iter().cloned());
    }
    // schemars ignores serde aliases: with legacy spellings, the schema is written out so that it
    // lists every accepted spelling; otherwise it is derived.
    let has_aliases = every_spelling.len() > canonical_values.len();
    let (derive_json_schema, json_schema_impl) = if has_aliases {
        let description_entry = e.description().map(|d| quote!("description": #d,));
        (
            TokenStream::new(),
            quote! {
                impl schemars::JsonSchema for #ident {
                    fn schema_name() -> std::borrow::Cow<'static, str> {
                        std::borrow::Cow::Borrowed(stringify!(#ident))
                    }

                    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                        schemars::json_schema!({
                            #description_entry
                            "type": "string",
                            "enum": [#(#every_spelling),*],
                        })
                    }
                }
            },
        )
    } else {
        (quote!(schemars::JsonSchema,), TokenStream::new())
    };
    let column_value = column_value_via_serde(&ident);
    quote! {
        #doc
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, #derive_json_schema
        )]
        pub enum #ident {
            #(#variants,)*
        }

        impl #ident {
            /// The enum's name in the schema.
            pub const SCHEMA_NAME: &'static str = #schema_name;
            /// Every value, in definition order.
            pub const ALL: [Self; #count] = [#(#all),*];

            /// The canonical wire value.
            pub const fn as_str(self) -> &'static str {
                match self {
                    #(#as_str_arms,)*
                }
            }
        }

        impl std::fmt::Display for #ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for #ident {
            type Err = support::ParseEnumError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    #(#parse_arms,)*
                    _ => Err(support::ParseEnumError::new(#schema_name, text, &[#(#canonical_values),*])),
                }
            }
        }

        #json_schema_impl

        #column_value
    }
}

fn integer_enum(namespace: &Namespace, e: &Enum) -> TokenStream {
    let ident = format_ident!("{}", e.rust_name());
    let doc = enum_doc(namespace, e);
    let schema_name = e.name();
    let count = Literal::usize_unsuffixed(e.values().len());
    let values: Vec<i32> = e
        .values()
        .iter()
        .filter_map(|v| v.value().as_i32())
        .collect();
    // `u16` when every value fits (HTTP status codes do), `i32` otherwise.
    let fits_u16 = values.iter().all(|v| u16::try_from(*v).is_ok());
    let (repr, as_repr, literal): (Ident, Ident, fn(i32) -> Literal) = if fits_u16 {
        (format_ident!("u16"), format_ident!("as_u16"), |v| {
            Literal::u16_unsuffixed(u16::try_from(v).unwrap_or_default())
        })
    } else {
        (
            format_ident!("i32"),
            format_ident!("as_i32"),
            Literal::i32_unsuffixed,
        )
    };
    let mut variants = Vec::new();
    let mut all = Vec::new();
    let mut try_arms = Vec::new();
    let mut value_texts = Vec::new();
    let mut value_literals = Vec::new();
    for (member, value) in e.values().iter().zip(&values) {
        let variant = format_ident!("{}", member.rust_name());
        let doc = format!(" `{value}` (`{}`).", member.name());
        let discriminant = literal(*value);
        variants.push(quote! {
            #[doc = #doc]
            #variant = #discriminant
        });
        all.push(quote!(Self::#variant));
        try_arms.push(quote!(#discriminant => Ok(Self::#variant)));
        value_texts.push(value.to_string());
        value_literals.push(Literal::i32_unsuffixed(*value));
    }
    let as_repr_doc = format!(" The numeric value, as `{repr}`.");
    let description_entry = e.description().map(|d| quote!("description": #d,));
    let expecting = format!("a {schema_name} value (an integer)");
    let column_value = column_value_via_serde(&ident);
    quote! {
        #doc
        #[doc = ""]
        #[doc = " Integer-valued: written as a JSON number."]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(#repr)]
        pub enum #ident {
            #(#variants,)*
        }

        impl #ident {
            /// The enum's name in the schema.
            pub const SCHEMA_NAME: &'static str = #schema_name;
            /// Every value, in definition order.
            pub const ALL: [Self; #count] = [#(#all),*];

            #[doc = #as_repr_doc]
            pub const fn #as_repr(self) -> #repr {
                self as #repr
            }

            fn unknown(value: impl std::fmt::Display) -> support::ParseEnumError {
                support::ParseEnumError::new(#schema_name, value.to_string(), &[#(#value_texts),*])
            }
        }

        impl TryFrom<#repr> for #ident {
            type Error = support::ParseEnumError;

            fn try_from(value: #repr) -> Result<Self, Self::Error> {
                match value {
                    #(#try_arms,)*
                    _ => Err(Self::unknown(value)),
                }
            }
        }

        impl std::fmt::Display for #ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.#as_repr())
            }
        }

        impl std::str::FromStr for #ident {
            type Err = support::ParseEnumError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.parse::<#repr>()
                    .ok()
                    .and_then(|value| Self::try_from(value).ok())
                    .ok_or_else(|| Self::unknown(text))
            }
        }

        impl serde::Serialize for #ident {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serde::Serialize::serialize(&self.#as_repr(), serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for #ident {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct IntegerVisitor;

                impl serde::de::Visitor<'_> for IntegerVisitor {
                    type Value = #ident;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }

                    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<#ident, E> {
                        #repr::try_from(value)
                            .ok()
                            .and_then(|narrow| #ident::try_from(narrow).ok())
                            .ok_or_else(|| E::custom(#ident::unknown(value)))
                    }

                    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<#ident, E> {
                        #repr::try_from(value)
                            .ok()
                            .and_then(|narrow| #ident::try_from(narrow).ok())
                            .ok_or_else(|| E::custom(#ident::unknown(value)))
                    }
                }

                deserializer.deserialize_i64(IntegerVisitor)
            }
        }

        impl schemars::JsonSchema for #ident {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!(#ident))
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    #description_entry
                    "type": "integer",
                    "enum": [#(#value_literals),*],
                })
            }
        }

        #column_value
    }
}

fn open_string_enum(namespace: &Namespace, e: &Enum) -> TokenStream {
    let ident = format_ident!("{}", e.rust_name());
    let doc = enum_doc(namespace, e);
    let schema_name = e.name();
    let count = Literal::usize_unsuffixed(e.values().len());
    let mut variants = Vec::new();
    let mut known = Vec::new();
    let mut as_str_arms = Vec::new();
    let mut from_arms = Vec::new();
    let mut every_spelling = Vec::new();
    for member in e.values() {
        let variant = format_ident!("{}", member.rust_name());
        let spellings = member.accepted_spellings();
        let canonical = spellings[0].clone();
        let doc = variant_doc(member);
        variants.push(quote! {
            #[doc = #doc]
            #variant
        });
        known.push(quote!(Self::#variant));
        as_str_arms.push(quote!(Self::#variant => #canonical));
        from_arms.push(quote!(#(#spellings)|* => Some(Self::#variant)));
        every_spelling.extend(spellings);
    }
    let description_entry = e.description().map(|d| quote!("description": #d,));
    let column_value = column_value_via_serde(&ident);
    quote! {
        #doc
        #[doc = ""]
        #[doc = " An open enum: the listed values, or any other string ([`Self::Other`]). Build values"]
        #[doc = " with `From<&str>`/`From<String>` or `parse`, which map every listed spelling to its"]
        #[doc = " variant; the canonical spelling is what is written."]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #ident {
            #(#variants,)*
            /// Any value not listed, kept verbatim. Never holds a listed spelling when built
            /// through `From` or `parse`.
            Other(String),
        }

        impl #ident {
            /// The enum's name in the schema.
            pub const SCHEMA_NAME: &'static str = #schema_name;
            /// The listed values, in definition order.
            pub const KNOWN: [Self; #count] = [#(#known),*];

            /// The wire value: the canonical spelling of a listed value, or the text of
            /// [`Self::Other`].
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str_arms,)*
                    Self::Other(text) => text,
                }
            }

            /// Whether this is one of the listed values.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }

            fn listed(text: &str) -> Option<Self> {
                match text {
                    #(#from_arms,)*
                    _ => None,
                }
            }
        }

        impl From<&str> for #ident {
            fn from(text: &str) -> Self {
                Self::listed(text).unwrap_or_else(|| Self::Other(text.to_owned()))
            }
        }

        impl From<String> for #ident {
            fn from(text: String) -> Self {
                Self::listed(&text).unwrap_or(Self::Other(text))
            }
        }

        impl std::str::FromStr for #ident {
            type Err = std::convert::Infallible;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(text))
            }
        }

        impl std::fmt::Display for #ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #ident {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #ident {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct OpenVisitor;

                impl serde::de::Visitor<'_> for OpenVisitor {
                    type Value = #ident;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a string")
                    }

                    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<#ident, E> {
                        Ok(#ident::from(text))
                    }

                    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<#ident, E> {
                        Ok(#ident::from(text))
                    }
                }

                deserializer.deserialize_string(OpenVisitor)
            }
        }

        impl schemars::JsonSchema for #ident {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!(#ident))
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    #description_entry
                    "anyOf": [{ "enum": [#(#every_spelling),*] }, { "type": "string" }],
                })
            }
        }

        #column_value
    }
}

fn text_type(ident: &Ident, column: &Column) -> TokenStream {
    let doc = doc_attrs(column.description());
    let column_name = column.name();
    let canonical: Vec<&str> = column.sentinels().iter().map(String::as_str).collect();
    let sentinel_count = Literal::usize_unsuffixed(canonical.len());
    // Every accepted spelling with its canonical form, canonical spellings first.
    let mut pairs = Vec::new();
    for sentinel in column.sentinels() {
        pairs.push(quote!((#sentinel, #sentinel)));
        if let Some(legacy) = names::legacy_sentinel_spelling(sentinel) {
            pairs.push(quote!((#legacy, #sentinel)));
        }
    }
    let pair_count = Literal::usize_unsuffixed(pairs.len());
    let accepted = column.accepted_sentinel_spellings();
    let (limit_doc, max_length_item, max_length_expr, text_schema) = match column.max_length() {
        Some(max) => {
            let max_usize = Literal::usize_unsuffixed(max as usize);
            let max_u32 = Literal::u32_unsuffixed(max);
            (
                doc_attrs(&format!(
                    "At most {max} characters (Unicode scalar values, not bytes), checked on construction and on deserialize."
                )),
                quote! {
                    /// The longest text allowed, in characters (Unicode scalar values).
                    pub const MAX_LENGTH: usize = #max_usize;
                },
                quote!(Some(Self::MAX_LENGTH)),
                quote!({ "type": "string", "maxLength": #max_u32 }),
            )
        }
        None => (
            doc_attrs("Any length."),
            TokenStream::new(),
            quote!(None),
            quote!({ "type": "string" }),
        ),
    };
    let schema = if accepted.is_empty() {
        quote!(#text_schema)
    } else {
        quote!({ "anyOf": [{ "enum": [#(#accepted),*] }, #text_schema] })
    };
    let sentinel_doc = if canonical.is_empty() {
        TokenStream::new()
    } else {
        doc_attrs(&format!(
            "Sentinels ({}) are valid whatever their length; legacy single-underscore spellings are read as the canonical one, which is what is written.",
            canonical
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    };
    let truncation = if canonical.contains(&TRUNCATION_SENTINEL) {
        quote! {
            /// Whether DAP replaced the original value, too large to export, by the truncation
            /// sentinel (the original is lost).
            pub fn is_truncated(&self) -> bool {
                self.0 == #TRUNCATION_SENTINEL
            }

            /// The truncation sentinel, as DAP writes it.
            pub fn truncated() -> Self {
                Self(String::from(#TRUNCATION_SENTINEL))
            }
        }
    } else {
        TokenStream::new()
    };
    let constructor_doc = format!(" Checks `text` against the rules of column `{column_name}`.");
    let column_value = column_value_via_serde(ident);
    quote! {
        #doc
        #[doc = ""]
        #limit_doc
        #sentinel_doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct #ident(String);

        impl #ident {
            #max_length_item
            /// The sentinels, in canonical spelling.
            pub const SENTINELS: [&'static str; #sentinel_count] = [#(#canonical),*];
            const ACCEPTED_SENTINELS: [(&'static str, &'static str); #pair_count] = [#(#pairs),*];

            #[doc = #constructor_doc]
            ///
            /// # Errors
            /// [`support::TextTooLong`] when the text is longer than the limit and no sentinel.
            pub fn new(text: impl Into<String>) -> Result<Self, support::TextTooLong> {
                support::check_limited_text(text.into(), #max_length_expr, &Self::ACCEPTED_SENTINELS)
                    .map(Self)
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text, owned.
            pub fn into_string(self) -> String {
                self.0
            }

            /// Whether the value is one of the sentinels.
            pub fn is_sentinel(&self) -> bool {
                Self::SENTINELS.contains(&self.0.as_str())
            }

            #truncation
        }

        impl TryFrom<String> for #ident {
            type Error = support::TextTooLong;

            fn try_from(text: String) -> Result<Self, Self::Error> {
                Self::new(text)
            }
        }

        impl TryFrom<&str> for #ident {
            type Error = support::TextTooLong;

            fn try_from(text: &str) -> Result<Self, Self::Error> {
                Self::new(text)
            }
        }

        impl std::str::FromStr for #ident {
            type Err = support::TextTooLong;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::new(text)
            }
        }

        impl From<#ident> for String {
            fn from(text: #ident) -> String {
                text.0
            }
        }

        impl AsRef<str> for #ident {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for #ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl serde::Serialize for #ident {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for #ident {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(deserializer)?;
                Self::new(text).map_err(serde::de::Error::custom)
            }
        }

        impl schemars::JsonSchema for #ident {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!(#ident))
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!(#schema)
            }
        }

        #column_value
    }
}

/// `support::ColumnValue` through the type's own serde implementations.
fn column_value_via_serde(ident: &Ident) -> TokenStream {
    quote! {
        impl support::ColumnValue for #ident {
            fn serialize_column<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serde::Serialize::serialize(self, serializer)
            }

            fn deserialize_column<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <Self as serde::Deserialize<'de>>::deserialize(deserializer)
            }
        }
    }
}

/// How one column appears in Rust.
struct ColumnShape {
    field: Ident,
    /// The field type as seen from the generated items (`Option<uuid::Uuid>`).
    ty: TokenStream,
    /// The same type as seen from the columns module (`Option<super::UserAgent>`).
    ty_in_module: TokenStream,
    /// The schemars `with` type, when the default schema of `ty` is looser than the column rule.
    schema_with: Option<String>,
    copy: bool,
}

fn column_shape(context: &Context<'_>, table_index: usize, column_index: usize) -> ColumnShape {
    let column = &context.namespace.tables()[table_index].columns()[column_index];
    let (base, base_in_module, schema, copy): (TokenStream, TokenStream, Option<&str>, bool) =
        match column.ty() {
            ColumnType::Uuid => (quote!(uuid::Uuid), quote!(uuid::Uuid), Some("Uuid"), true),
            ColumnType::Timestamp => (
                quote!(jiff::Timestamp),
                quote!(jiff::Timestamp),
                Some("Timestamp"),
                true,
            ),
            ColumnType::Int32 => (quote!(i32), quote!(i32), Some("Int32"), true),
            ColumnType::Int64 => (quote!(i64), quote!(i64), Some("Int64"), true),
            ColumnType::Bool => (quote!(bool), quote!(bool), None, true),
            ColumnType::Ip => (
                quote!(std::net::IpAddr),
                quote!(std::net::IpAddr),
                Some("IpAddress"),
                true,
            ),
            ColumnType::String => match &context.text_types[table_index][column_index] {
                Some(ident) => (quote!(#ident), quote!(super::#ident), None, false),
                None => (quote!(String), quote!(String), None, false),
            },
            ColumnType::Enum(id) => {
                let e = context.namespace.enum_by_id(id);
                let ident = format_ident!("{}", e.rust_name());
                let copy = !e.is_open();
                (quote!(#ident), quote!(super::#ident), None, copy)
            }
        };
    let schema_with = schema.map(|marker| {
        if column.nullable() {
            format!("Option<support::schema::{marker}>")
        } else {
            format!("support::schema::{marker}")
        }
    });
    let (ty, ty_in_module) = if column.nullable() {
        (quote!(Option<#base>), quote!(Option<#base_in_module>))
    } else {
        (base, base_in_module)
    };
    ColumnShape {
        field: field_ident(column),
        ty,
        ty_in_module,
        schema_with,
        copy,
    }
}

/// The field identifier: the column name, raw (`r#type`) when it is a keyword.
fn field_ident(column: &Column) -> Ident {
    let name = column.rust_field_name();
    match name.strip_prefix("r#") {
        Some(keyword) => Ident::new_raw(keyword, Span::call_site()),
        None => Ident::new(&name, Span::call_site()),
    }
}

/// One struct field for a column, with its serde and schemars attributes.
fn field_tokens(column: &Column, shape: &ColumnShape, module: &Ident) -> TokenStream {
    let field = &shape.field;
    let ty = &shape.ty;
    let doc = doc_attrs(column.description());
    let reader = format!("{module}::{}", column.rust_field_name());
    let serde_attr = if column.nullable() {
        quote! {
            #[serde(
                default,
                skip_serializing_if = "Option::is_none",
                serialize_with = "support::serialize_column",
                deserialize_with = #reader
            )]
        }
    } else {
        quote! {
            #[serde(serialize_with = "support::serialize_column", deserialize_with = #reader)]
        }
    };
    let schemars_attr = shape
        .schema_with
        .as_ref()
        .map(|with| quote!(#[schemars(with = #with)]));
    quote! {
        #doc
        #serde_attr
        #schemars_attr
        pub #field: #ty
    }
}

fn table_items(context: &Context<'_>, table_index: usize, table: &Table) -> TokenStream {
    let names = TableNames::new(table);
    let TableNames {
        row,
        key,
        value,
        record,
        change,
        columns_module,
    } = &names;
    let table_name = table.name();
    let shapes: Vec<ColumnShape> = (0..table.columns().len())
        .map(|i| column_shape(context, table_index, i))
        .collect();
    let columns: Vec<(&Column, &ColumnShape)> = table.columns().iter().zip(&shapes).collect();
    let key_columns: Vec<(&Column, &ColumnShape)> = columns
        .iter()
        .enumerate()
        .filter(|(i, _)| table.is_key_column(*i))
        .map(|(_, c)| *c)
        .collect();
    let value_columns: Vec<(&Column, &ColumnShape)> = columns
        .iter()
        .enumerate()
        .filter(|(i, _)| !table.is_key_column(*i))
        .map(|(_, c)| *c)
        .collect();

    let fields = |list: &[(&Column, &ColumnShape)]| -> Vec<TokenStream> {
        list.iter()
            .map(|(column, shape)| field_tokens(column, shape, columns_module))
            .collect()
    };
    let row_fields = fields(&columns);
    let key_fields = fields(&key_columns);
    let value_fields = fields(&value_columns);
    let idents = |list: &[(&Column, &ColumnShape)]| -> Vec<Ident> {
        list.iter().map(|(_, shape)| shape.field.clone()).collect()
    };
    let key_idents = idents(&key_columns);
    let value_idents = idents(&value_columns);
    let key_copies: Vec<TokenStream> = key_columns
        .iter()
        .map(|(_, shape)| {
            let field = &shape.field;
            if shape.copy {
                quote!(#field: self.#field)
            } else {
                quote!(#field: self.#field.clone())
            }
        })
        .collect();
    let column_names: Vec<&str> = table.columns().iter().map(Column::name).collect();
    let column_count = Literal::usize_unsuffixed(column_names.len());
    let readers: Vec<TokenStream> = columns
        .iter()
        .map(|(column, shape)| {
            let field = &shape.field;
            let ty = &shape.ty_in_module;
            let name = column.name();
            quote! {
                pub(super) fn #field<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<#ty, D::Error> {
                    super::support::deserialize_column(deserializer, #name)
                }
            }
        })
        .collect();

    let row_doc = doc_attrs(table.description());
    let row_intro = format!(
        " One row of `{}.{table_name}`: every column, in definition order.",
        context.namespace.name()
    );
    let key_doc =
        format!(" The primary key of a `{table_name}` row: the `key` object of an export record.");
    let value_doc = format!(
        " The non-key columns of a `{table_name}` row: the `value` object of an export record."
    );
    let record_doc = format!(
        " One line of a `{table_name}` JSONL export: `key`, `value` (absent in a delete) and `meta`."
    );
    let record_wire = format!("support::RecordWire<{key}, {value}>");
    let change_doc = format!(" What a `{table_name}` export record asks for.");
    let module_doc =
        format!(" Column readers for `{table_name}`: each names its column in errors.");
    let table_const_doc = format!(" The table name (`{table_name}`).");

    quote! {
        #[doc = #row_intro]
        #[doc = ""]
        #row_doc
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, schemars::JsonSchema,
        )]
        #[serde(deny_unknown_fields)]
        pub struct #row {
            #(#row_fields,)*
        }

        impl #row {
            #[doc = #table_const_doc]
            pub const TABLE: &'static str = #table_name;
            /// The column names, in definition order.
            pub const COLUMNS: [&'static str; #column_count] = [#(#column_names),*];

            /// Joins a key and a value into a row.
            pub fn from_parts(key: #key, value: #value) -> Self {
                Self {
                    #(#key_idents: key.#key_idents,)*
                    #(#value_idents: value.#value_idents,)*
                }
            }

            /// Splits the row into its key and value.
            pub fn into_parts(self) -> (#key, #value) {
                (
                    #key { #(#key_idents: self.#key_idents,)* },
                    #value { #(#value_idents: self.#value_idents,)* },
                )
            }

            /// The row's primary key.
            pub fn key(&self) -> #key {
                #key { #(#key_copies,)* }
            }
        }

        #[doc = #key_doc]
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, schemars::JsonSchema,
        )]
        #[serde(deny_unknown_fields)]
        pub struct #key {
            #(#key_fields,)*
        }

        #[doc = #value_doc]
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, schemars::JsonSchema,
        )]
        #[serde(deny_unknown_fields)]
        pub struct #value {
            #(#value_fields,)*
        }

        #[doc = #record_doc]
        ///
        /// Read one with `serde_json::from_str`. A record that is not a delete must carry a
        /// `value`; a delete (`meta.action` `"D"`) carries none. Deserialization errors name the
        /// offending column.
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, schemars::JsonSchema,
        )]
        #[serde(try_from = #record_wire)]
        pub struct #record {
            /// The primary key columns.
            key: #key,
            /// The other columns; `None` only in a delete.
            #[serde(skip_serializing_if = "Option::is_none")]
            value: Option<#value>,
            /// Record metadata.
            meta: support::RecordMeta,
        }

        impl #record {
            /// An upsert of `row`, committed at `ts`.
            pub fn upsert(row: #row, ts: jiff::Timestamp) -> Self {
                let (key, value) = row.into_parts();
                Self {
                    key,
                    value: Some(value),
                    meta: support::RecordMeta { ts, action: Some(support::RecordAction::Upsert) },
                }
            }

            /// A delete of the row with `key`, committed at `ts`.
            pub fn delete(key: #key, ts: jiff::Timestamp) -> Self {
                Self {
                    key,
                    value: None,
                    meta: support::RecordMeta { ts, action: Some(support::RecordAction::Delete) },
                }
            }

            /// The primary key columns.
            pub fn key(&self) -> &#key {
                &self.key
            }

            /// The other columns; `None` only in a delete.
            pub fn value(&self) -> Option<&#value> {
                self.value.as_ref()
            }

            /// Record metadata: commit time and action.
            pub fn meta(&self) -> &support::RecordMeta {
                &self.meta
            }

            /// Whether the record deletes its key (`meta.action` is `"D"`).
            pub fn is_delete(&self) -> bool {
                self.meta.is_delete()
            }

            /// What the record asks for: an upsert of a row or a delete of a key.
            pub fn into_change(self) -> #change {
                match self.value {
                    Some(value) if !self.meta.is_delete() => {
                        #change::Upsert(#row::from_parts(self.key, value))
                    }
                    _ => #change::Delete(self.key),
                }
            }

            /// The row an upsert carries; `None` for a delete.
            pub fn into_row(self) -> Option<#row> {
                match self.into_change() {
                    #change::Upsert(row) => Some(row),
                    #change::Delete(_) => None,
                }
            }
        }

        impl TryFrom<support::RecordWire<#key, #value>> for #record {
            type Error = support::MissingValue;

            fn try_from(wire: support::RecordWire<#key, #value>) -> Result<Self, Self::Error> {
                if wire.value.is_none() && !wire.meta.is_delete() {
                    return Err(support::MissingValue);
                }
                Ok(Self { key: wire.key, value: wire.value, meta: wire.meta })
            }
        }

        #[doc = #change_doc]
        // A change is matched and consumed at once; boxing the row would cost an allocation per
        // record for no gain.
        #[allow(clippy::large_enum_variant)]
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, schemars::JsonSchema,
        )]
        pub enum #change {
            /// Insert the row, or replace the row with the same key.
            Upsert(#row),
            /// Delete the row with this key.
            Delete(#key),
        }

        impl From<#record> for #change {
            fn from(record: #record) -> Self {
                record.into_change()
            }
        }

        #[doc = #module_doc]
        mod #columns_module {
            #(#readers)*
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated() -> String {
        generate(&crate::load_embedded())
    }

    #[test]
    fn output_starts_with_the_generated_notice_and_parses() {
        let text = generated();
        assert!(text.starts_with(&format!("// {}\n", crate::emit::GENERATED_NOTICE)));
        syn::parse_file(&text).unwrap_or_else(|e| panic!("generated code does not parse: {e}"));
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(generated(), generated());
    }

    #[test]
    fn names_come_from_the_model() {
        let text = generated();
        for expected in [
            "pub enum HttpMethod",
            "pub enum HttpVersion",
            "pub enum ContextType",
            "QuizzesQuizSubmission",
            "#[serde(rename = \"Quizzes::QuizSubmission\")]",
            "pub enum HttpStatus",
            "#[repr(u16)]",
            "ImATeapot = 418",
            "pub const fn as_u16(self) -> u16",
            "pub enum Controller",
            "pub enum Action",
            "Other(String)",
            "\"__dap_unspecified__\" | \"_dap_unspecified_\" => Some(Self::Unspecified)",
            "pub struct UserAgent(String)",
            "pub const MAX_LENGTH: usize = 255",
            "pub fn is_truncated(&self) -> bool",
            "pub struct WebLog {",
            "pub struct WebLogKey {",
            "pub struct WebLogValue {",
            "pub struct WebLogRecord {",
            "pub enum WebLogChange {",
            "pub user_agent: Option<UserAgent>",
            "pub remote_ip: std::net::IpAddr",
            "pub timestamp: jiff::Timestamp",
            "pub interaction_micros: i32",
            "pub session_id: Option<uuid::Uuid>",
        ] {
            assert!(text.contains(expected), "generated code lacks {expected:?}");
        }
        assert!(!text.contains("Variant0"));
    }

    #[test]
    fn descriptions_become_doc_comments() {
        let text = generated();
        assert!(text.contains("/// HTTP methods used in the Canvas API."));
        assert!(text.contains("/// The user agent string sent by the HTTP client."));
    }

    #[test]
    fn keyword_columns_become_raw_identifiers() {
        let yaml = "namespace: n\nversion: 1\ndescription: d\ntables:\n  things:\n    description: t\n    primary_key: [id]\n    columns:\n      id:\n        type: int64\n        description: i\n      type:\n        type: string\n        nullable: true\n        description: k\n";
        let namespace = crate::load("test.yaml", yaml).unwrap_or_else(|d| panic!("{d}"));
        let text = generate(&namespace);
        assert!(text.contains("pub r#type: Option<String>"), "{text}");
        assert!(
            text.contains("deserialize_with = \"things_columns::r#type\""),
            "{text}"
        );
    }

    #[test]
    fn wrapping_keeps_every_word() {
        let text = "one two three four five six seven";
        let lines = wrap(text, 10);
        assert!(lines.len() > 1);
        assert_eq!(
            lines
                .join("")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            text
        );
    }
}
