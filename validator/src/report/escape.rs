//! Escaping for every output: text from an export (values, member names, file names) never
//! reaches a terminal, a CI log, an XML or a Markdown document as anything but inert text.
//!
//! - [`terminal`]: control characters (C0, DEL, C1 such as ESC and CSI), line and paragraph
//!   separators, bidirectional overrides ("Trojan Source") and other non-printable characters
//!   become Rust-style escapes (`\u{1b}`, `\n`); everything printable, quotes and backslashes
//!   included, stays as it is. Used for file names, columns and messages in the human and GitHub
//!   formats (values are quoted by `report::quote`, which escapes the same characters plus quotes).
//! - [`xml`]: the five XML entities, and characters XML 1.0 cannot carry at all (most C0
//!   controls, U+FFFE/U+FFFF) as `\u{..}` text, after [`terminal`] escaping so that a JUnit
//!   viewer that prints to a terminal is safe too.
//! - [`markdown_cell`]: text safe inside a Markdown table cell and outside code: HTML, link,
//!   emphasis and table syntax is backslash-escaped or written as an entity.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every non-printable character escaped (see the module documentation).
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            let _ = write!(out, "{}", c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether `c` must not be written raw to a terminal or log.
fn needs_escape(c: char) -> bool {
    if matches!(c, '"' | '\'' | '\\') {
        return false;
    }
    // `escape_debug` leaves printable characters alone and escapes the rest (controls, format
    // characters such as U+202E, separators such as U+2028, unassigned code points).
    let mut escaped = c.escape_debug();
    escaped.next();
    escaped.next().is_some()
}

/// `text` as HTML text or attribute content: exactly [`xml`] ([`terminal`] escaping first, so
/// bidirectional overrides and controls show as `\u{202e}` instead of reordering the page,
/// then the five entities, which HTML5 reads the same).
pub fn html(text: &str) -> String {
    xml(text)
}

/// `text` as XML character data or attribute content (quotes escaped too).
pub fn xml(text: &str) -> String {
    let safe = terminal(text);
    let mut out = String::with_capacity(safe.len() + 16);
    for c in safe.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Not reachable after `terminal`, kept so the function is safe on its own.
            c if !is_xml_char(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// XML 1.0's `Char` production.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` safe inside one Markdown table cell (GitHub-flavoured).
pub fn markdown_cell(text: &str) -> String {
    let safe = terminal(text);
    let mut out = String::with_capacity(safe.len() + 8);
    for c in safe.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '!' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_controls_and_keeps_the_rest() {
        assert_eq!(terminal("plain \"q\" é"), "plain \"q\" é");
        assert_eq!(terminal("a\u{1b}[31mb\nc\r\0"), "a\\u{1b}[31mb\\nc\\r\\0");
        assert_eq!(
            terminal("\u{9b}2J\u{202e}x\u{2028}"),
            "\\u{9b}2J\\u{202e}x\\u{2028}"
        );
        assert!(matches!(terminal("ok"), Cow::Borrowed(_)));
    }

    #[test]
    fn xml_and_markdown_are_inert() {
        assert_eq!(
            xml("<a href='x'>&\"\u{1}"),
            "&lt;a href=&apos;x&apos;&gt;&amp;&quot;\\u{1}"
        );
        assert_eq!(
            markdown_cell("a|b <img> [x](y) `c`"),
            "a\\|b &lt;img&gt; \\[x\\]\\(y\\) \\`c\\`"
        );
        for c in ['\u{fffe}', '\u{ffff}', '\u{0}', '\u{b}'] {
            assert!(!xml(&c.to_string()).contains(c));
        }
    }
}
