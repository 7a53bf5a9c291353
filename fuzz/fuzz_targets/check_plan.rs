//! Fuzz target: the check plan (every column rule) on arbitrary field values.
//!
//! Input: a column selector byte, a value-kind byte, then the value's bytes. The plan must never
//! panic, must answer `Invalid` exactly when it pushed a finding, and every finding must carry a
//! stable code and a non-empty message.
#![no_main]

use dap_validate::plan::{CheckPlan, Checked, FieldValue, Findings};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn plan() -> &'static CheckPlan {
    static PLAN: OnceLock<CheckPlan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let namespace = canvas_logs_codegen::load_embedded();
        let table = namespace.table("web_logs").expect("embedded table");
        CheckPlan::compile(&namespace, table)
    })
}

fuzz_target!(|data: &[u8]| {
    let [selector, kind, rest @ ..] = data else {
        return;
    };
    let plan = plan();
    let mut findings = Findings::default();
    // Strings reach the plan only as valid UTF-8 (readers guarantee it).
    let text = match std::str::from_utf8(rest) {
        Ok(_) => rest,
        Err(e) => &rest[..e.valid_up_to()],
    };
    let value = match kind % 7 {
        0 => FieldValue::Null,
        1 => FieldValue::Bool(rest.first().is_some_and(|b| b & 1 == 1)),
        2 => FieldValue::Integer(rest),
        3 => FieldValue::Number(rest),
        4 => FieldValue::String(text),
        5 => FieldValue::Object(rest),
        _ => FieldValue::Array(rest),
    };
    let columns = plan.columns().len();
    let target = usize::from(*selector) % (columns + 2);
    let checked = if target == columns {
        plan.check_meta_ts(value, &mut findings)
    } else if target == columns + 1 {
        let _ = plan.check_meta_action(value, &mut findings);
        if findings.is_empty() {
            Checked::Valid
        } else {
            Checked::Invalid
        }
    } else {
        plan.check(target, value, &mut findings)
    };
    if matches!(checked, Checked::Invalid) {
        assert!(!findings.is_empty());
    } else {
        assert!(findings.is_empty());
    }
    for finding in findings.as_slice() {
        assert!(!finding.message.is_empty());
        assert!(!finding.code.as_str().is_empty());
        let _ = plan.column_name(&finding.column);
    }
});
