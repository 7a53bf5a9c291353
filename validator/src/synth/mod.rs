//! A deterministic generator of realistic `web_logs` JSONL exports, and mutations that break one
//! rule each: the shipped samples, the benchmark corpus and the differential test all come from
//! here (`cargo xtask samples` and `cargo xtask bench` regenerate them).
//!
//! Records look like Canvas request logs: Canvas-style URLs with shard-sized ids, matching
//! controller/action pairs, real browser and mobile-app user agents, IPv4 and (one in five) IPv6
//! addresses, microsecond timestamps, nullable ids mostly absent-as-`null`; about 760 bytes each.
//! The same seed always yields the same bytes (a SplitMix64 stream; no platform dependence).

pub mod layouts;

use std::fmt::Write as _;

/// A SplitMix64 random stream: tiny, fast, and identical everywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A stream from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.below(items.len() as u64) as usize;
        &items[i.min(items.len().saturating_sub(1))]
    }

    /// True with probability `per_mille`/1000.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

/// One record as its parts: `meta`, `key.id` and the value columns as raw JSON text, in schema
/// order. A column set to `None` is left out of the JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// `meta.ts` as raw JSON (`None`: absent).
    pub meta_ts: Option<String>,
    /// `meta.action` as raw JSON (`None`: absent).
    pub meta_action: Option<String>,
    /// `key.id` as raw JSON (`None`: absent).
    pub id: Option<String>,
    /// Value columns: name and raw JSON (`None`: absent).
    pub values: Vec<(String, Option<String>)>,
    /// Members added to `value` after the columns (unknown columns).
    pub extra_value_members: Vec<(String, String)>,
    /// Members added to the record after `value`.
    pub extra_top_members: Vec<(String, String)>,
    /// Whether `value` is left out entirely.
    pub omit_value: bool,
    /// Whether `key` is left out entirely.
    pub omit_key: bool,
    /// Raw JSON replacing the whole `value` object.
    pub value_override: Option<String>,
    /// Raw JSON replacing the whole `meta` object.
    pub meta_override: Option<String>,
    /// Write `value` before `meta` (members may come in any order).
    pub value_first: bool,
}

impl Record {
    /// Sets a value column's raw JSON (`None` removes it).
    pub fn set(&mut self, column: &str, raw: Option<&str>) {
        if let Some(slot) = self.values.iter_mut().find(|(c, _)| c == column) {
            slot.1 = raw.map(str::to_owned);
        }
    }

    /// A value column's raw JSON.
    pub fn get(&self, column: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(c, _)| c == column)
            .and_then(|(_, v)| v.as_deref())
    }

    /// The record as one JSONL line (without the newline).
    pub fn to_line(&self) -> String {
        let mut out = String::with_capacity(900);
        out.push('{');
        let mut first = true;
        let mut member = |out: &mut String, name: &str, raw: &str| {
            if !first {
                out.push(',');
            }
            first = false;
            out.push('"');
            out.push_str(name);
            out.push_str("\":");
            out.push_str(raw);
        };
        let meta = self.meta_override.clone().unwrap_or_else(|| {
            let mut meta = String::from("{");
            if let Some(ts) = &self.meta_ts {
                meta.push_str("\"ts\":");
                meta.push_str(ts);
            }
            if let Some(action) = &self.meta_action {
                if meta.len() > 1 {
                    meta.push(',');
                }
                meta.push_str("\"action\":");
                meta.push_str(action);
            }
            meta.push('}');
            meta
        });
        let value = self.value_override.clone().unwrap_or_else(|| {
            let mut value = String::with_capacity(700);
            value.push('{');
            let mut first_value = true;
            let columns = self
                .values
                .iter()
                .filter_map(|(c, v)| v.as_ref().map(|v| (c.as_str(), v.as_str())));
            let extras = self
                .extra_value_members
                .iter()
                .map(|(c, v)| (c.as_str(), v.as_str()));
            for (column, raw) in columns.chain(extras) {
                if !first_value {
                    value.push(',');
                }
                first_value = false;
                let _ = write!(value, "\"{column}\":{raw}");
            }
            value.push('}');
            value
        });
        if self.value_first && !self.omit_value {
            member(&mut out, "value", &value);
        }
        member(&mut out, "meta", &meta);
        if !self.omit_key {
            let key = match &self.id {
                Some(id) => format!("{{\"id\":{id}}}"),
                None => "{}".to_owned(),
            };
            member(&mut out, "key", &key);
        }
        if !self.value_first && !self.omit_value {
            member(&mut out, "value", &value);
        }
        for (name, raw) in &self.extra_top_members {
            member(&mut out, name, raw);
        }
        out.push('}');
        out
    }
}

const USER_AGENTS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.113 Mobile Safari/537.36",
    "candroid/7.12.0 (456) Android 14; Pixel 8",
    "iCanvas/7.11 (3) iPhone15,3 iOS 17.4.1",
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
];

/// (url template, controller, action, context type, method); `{c}` course id, `{n}` another id.
const ROUTES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "/courses/{c}/assignments/{n}?module_item_id={m}",
        "assignments",
        "show",
        "Course",
        "GET",
    ),
    (
        "/courses/{c}/modules",
        "context_modules",
        "index",
        "Course",
        "GET",
    ),
    (
        "/api/v1/courses/{c}/discussion_topics/{n}/entries?per_page=50&include%5B%5D=rating",
        "discussion_entries",
        "index",
        "Course",
        "GET",
    ),
    (
        "/courses/{c}/quizzes/{n}/take?user_id={m}",
        "quizzes/quizzes",
        "show",
        "Course",
        "GET",
    ),
    (
        "/api/v1/conversations/{n}?include_participant_contexts=false",
        "conversations",
        "show",
        "User",
        "GET",
    ),
    (
        "/api/v1/users/self/activity_stream?only_active_courses=true&per_page=21",
        "users",
        "activity_stream",
        "User",
        "GET",
    ),
    (
        "/login/oauth2/token",
        "login/oauth2",
        "token",
        "Account",
        "POST",
    ),
    (
        "/courses/{c}/files/{n}/download?download_frd=1&verifier=Zk3xQe8d2Lm0Rt7Yb5Wc1Np9",
        "files",
        "show",
        "Course",
        "GET",
    ),
    (
        "/api/v1/courses/{c}/assignments/{n}/submissions/self",
        "submissions_api",
        "update",
        "Course",
        "PUT",
    ),
    (
        "/api/v1/planner/items?start_date=2024-04-28T04%3A00%3A00.000Z&order=asc&per_page=100",
        "planner",
        "index",
        "User",
        "GET",
    ),
    (
        "/courses/{c}/gradebook",
        "gradebooks",
        "show",
        "Course",
        "GET",
    ),
    ("/api/graphql", "graphql", "execute", "Account", "POST"),
];

const STATUSES: &[(u32, u64)] = &[
    (200, 900),
    (302, 40),
    (304, 30),
    (401, 10),
    (404, 12),
    (422, 4),
    (500, 4),
];

/// Generates valid records, one after another.
#[derive(Debug, Clone)]
pub struct Generator {
    rng: Rng,
    index: u64,
}

/// The first timestamp of generated exports, as seconds since 2024-05-01T00:00:00Z.
const BASE_DAY: &str = "2024-05-01";

impl Generator {
    /// A generator with `seed`.
    pub fn new(seed: u64) -> Generator {
        Generator {
            rng: Rng::new(seed),
            index: 0,
        }
    }

    /// The random stream (for mutations).
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    fn uuid(&mut self) -> String {
        let a = self.rng.next_u64();
        let b = self.rng.next_u64();
        let v = (u128::from(a) << 64) | u128::from(b);
        // Version 4, variant 1, like DAP's ids.
        let v = (v & !(0xF << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62);
        let hex = format!("{v:032x}");
        format!(
            "\"{}-{}-{}-{}-{}\"",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }

    fn timestamp(&mut self, offset_micros: u64) -> String {
        let micros = self.index * 86_400_000_000 / 1_000_000 + offset_micros;
        let seconds = (micros / 1_000_000) % 86_400;
        let fraction = micros % 1_000_000;
        format!(
            "\"{BASE_DAY}T{:02}:{:02}:{:02}.{fraction:06}Z\"",
            seconds / 3600,
            (seconds / 60) % 60,
            seconds % 60
        )
    }

    fn canvas_id(&mut self, range: u64) -> u64 {
        170_000_000_000_000 + self.rng.below(range)
    }

    fn ip(&mut self) -> String {
        if self.rng.chance(200) {
            let g: Vec<String> = (0..4)
                .map(|_| format!("{:x}", self.rng.below(0x10000)))
                .collect();
            format!("\"2001:db8:{}:{}::{}:{}\"", g[0], g[1], g[2], g[3])
        } else {
            format!(
                "\"{}.{}.{}.{}\"",
                1 + self.rng.below(223),
                self.rng.below(256),
                self.rng.below(256),
                1 + self.rng.below(254)
            )
        }
    }

    /// The next valid record.
    pub fn record(&mut self) -> Record {
        let r = &mut self.rng;
        let (template, controller, action, context_type, method) = *r.pick(ROUTES);
        let user_agent = *r.pick(USER_AGENTS);
        let roll = r.below(1000);
        let mut acc = 0;
        let mut status = 200;
        for (s, weight) in STATUSES {
            acc += weight;
            if roll < acc {
                status = *s;
                break;
            }
        }
        let course = self.canvas_id(5_000);
        let other = self.canvas_id(2_000_000);
        let module_item = self.canvas_id(9_000_000);
        let url = template
            .replace("{c}", &course.to_string())
            .replace("{n}", &other.to_string())
            .replace("{m}", &module_item.to_string());
        let user = self.canvas_id(400_000);
        let micros = self.rng.below(2_000_000) + 800;
        let id = self.uuid();
        let session = self.uuid();
        let ts = self.timestamp(0);
        let request_ts = self.timestamp(micros);
        let ip = self.ip();
        let masquerade = self.rng.chance(5);
        let developer_key = self.rng.chance(20);
        // DAP's client docs say null properties are omitted, its API reference shows `null`:
        // most generated records omit them, the rest write them.
        let omit_nulls = self.rng.chance(750);
        let participated = self.rng.chance(300);
        let http_version = if self.rng.chance(700) {
            "\"2.0\""
        } else {
            "\"1.1\""
        };
        let quiz = url.contains("/quizzes/");
        let discussion = url.contains("/discussion_topics/");
        let conversation = url.contains("/conversations/");
        let assignment = url.contains("/assignments/");
        let num = |n: u64| Some(n.to_string());
        let null = || Some("null".to_owned());
        let string = |s: &str| Some(format!("\"{s}\""));
        let values = vec![
            ("timestamp", Some(request_ts)),
            ("user_id", num(user)),
            (
                "real_user_id",
                if masquerade { num(user + 17) } else { null() },
            ),
            (
                "course_id",
                if context_type == "Course" {
                    num(course)
                } else {
                    null()
                },
            ),
            ("quiz_id", if quiz { num(other) } else { null() }),
            (
                "discussion_id",
                if discussion { num(other) } else { null() },
            ),
            (
                "conversation_id",
                if conversation { num(other) } else { null() },
            ),
            (
                "assignment_id",
                if assignment { num(other) } else { null() },
            ),
            ("url", Some(format!("\"{url}\""))),
            ("http_method", string(method)),
            ("http_status", num(u64::from(status))),
            ("http_version", Some(http_version.to_owned())),
            ("remote_ip", Some(ip)),
            ("interaction_micros", num(micros)),
            ("web_application_controller", string(controller)),
            ("web_application_action", string(action)),
            ("web_application_context_type", string(context_type)),
            (
                "web_application_context_id",
                if context_type == "Course" {
                    num(course)
                } else {
                    num(user)
                },
            ),
            ("session_id", Some(session)),
            (
                "developer_key_id",
                if developer_key {
                    num(170_000_000_000_001)
                } else {
                    null()
                },
            ),
            ("participated", Some(participated.to_string())),
            ("user_agent", string(user_agent)),
        ];
        let values: Vec<(&str, Option<String>)> = if omit_nulls {
            values
                .into_iter()
                .map(|(c, v)| (c, v.filter(|v| v != "null")))
                .collect()
        } else {
            values
        };
        self.index += 1;
        Record {
            meta_ts: Some(ts),
            meta_action: Some("\"U\"".to_owned()),
            id: Some(id),
            values: values.into_iter().map(|(c, v)| (c.to_owned(), v)).collect(),
            extra_value_members: Vec::new(),
            extra_top_members: Vec::new(),
            omit_value: false,
            omit_key: false,
            value_override: None,
            meta_override: None,
            value_first: false,
        }
    }
}

/// What a mutation makes of a record: the expected verdict of `dap-validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    /// The rule code (`None`: the record stays valid).
    pub code: Option<&'static str>,
    /// The column the report names (`None`: the whole record, or valid).
    pub column: Option<&'static str>,
}

const fn bad(code: &'static str, column: Option<&'static str>) -> Expected {
    Expected {
        code: Some(code),
        column,
    }
}

const VALID: Expected = Expected {
    code: None,
    column: None,
};

/// One way of changing a record; most break exactly one rule, a few are tricky valid cases.
#[derive(Debug, Clone, Copy)]
pub struct Mutation {
    /// A short name.
    pub name: &'static str,
    /// What the validator must say.
    pub expected: Expected,
    /// Where `dap-validate` deliberately differs from a JSON Schema validator (`None`: it agrees).
    pub divergence: Option<&'static str>,
    apply: fn(&mut Record, &mut Rng),
    /// For malformed lines that cannot be built from parts: rewrites the rendered line.
    rewrite: Option<fn(Vec<u8>) -> Vec<u8>>,
}

impl Mutation {
    /// Applies the mutation to `record` and renders the line.
    pub fn render(&self, mut record: Record, rng: &mut Rng) -> Vec<u8> {
        (self.apply)(&mut record, rng);
        let line = record.to_line().into_bytes();
        match self.rewrite {
            Some(rewrite) => rewrite(line),
            None => line,
        }
    }
}

fn keep(_: &mut Record, _: &mut Rng) {}

macro_rules! mutation {
    ($name:expr, $expected:expr, $apply:expr) => {
        Mutation {
            name: $name,
            expected: $expected,
            divergence: None,
            apply: $apply,
            rewrite: None,
        }
    };
}

/// Every mutation; together they produce every violation code except `duplicate_key` (made by
/// repeating a record) and cover the tricky valid cases.
pub const MUTATIONS: &[Mutation] = &[
    mutation!("url missing", bad("not_null", Some("url")), |r, _| r
        .set("url", None)),
    mutation!("url null", bad("not_null", Some("url")), |r, _| r
        .set("url", Some("null"))),
    mutation!(
        "participated null",
        bad("not_null", Some("participated")),
        |r, _| r.set("participated", Some("null"))
    ),
    mutation!(
        "http_status as string",
        bad("type", Some("http_status")),
        |r, _| r.set("http_status", Some("\"200\""))
    ),
    mutation!("user_id as string", bad("type", Some("user_id")), |r, _| r
        .set("user_id", Some("\"12\""))),
    mutation!(
        "participated as number",
        bad("type", Some("participated")),
        |r, _| r.set("participated", Some("1"))
    ),
    mutation!("url as object", bad("type", Some("url")), |r, _| r
        .set("url", Some("{\"path\":\"/\"}"))),
    mutation!(
        "remote_ip as array",
        bad("type", Some("remote_ip")),
        |r, _| r.set("remote_ip", Some("[\"10.0.0.1\"]"))
    ),
    mutation!(
        "controller as number",
        bad("type", Some("web_application_controller")),
        |r, _| r.set("web_application_controller", Some("7"))
    ),
    Mutation {
        name: "user_id as 1.0",
        expected: bad("type", Some("user_id")),
        divergence: Some("JSON Schema's integer admits 1.0; dap-validate reports `type`"),
        apply: |r, _| r.set("user_id", Some("170000000000001.0")),
        rewrite: None,
    },
    Mutation {
        name: "http_status as 2e2",
        expected: bad("type", Some("http_status")),
        divergence: Some("JSON Schema's integer admits 2e2 (= 200); dap-validate reports `type`"),
        apply: |r, _| r.set("http_status", Some("2e2")),
        rewrite: None,
    },
    mutation!("id not a uuid", bad("format", Some("id")), |r, _| r.id =
        Some("\"not-a-uuid\"".into())),
    mutation!("id without hyphens", bad("format", Some("id")), |r, _| r
        .id =
        Some("\"0a1b2c3d4e5f6789abcdef0123456789\"".into())),
    mutation!(
        "session_id too short",
        bad("format", Some("session_id")),
        |r, _| r.set(
            "session_id",
            Some("\"0a1b2c3d-4e5f-6789-abcd-ef012345678\"")
        )
    ),
    mutation!(
        "timestamp Feb 30",
        bad("format", Some("timestamp")),
        |r, _| r.set("timestamp", Some("\"2024-02-30T10:00:00Z\""))
    ),
    mutation!(
        "timestamp with offset",
        bad("format", Some("timestamp")),
        |r, _| r.set("timestamp", Some("\"2024-05-01T10:00:00+02:00\""))
    ),
    mutation!(
        "timestamp nanoseconds",
        bad("format", Some("timestamp")),
        |r, _| r.set("timestamp", Some("\"2024-05-01T10:00:00.123456789Z\""))
    ),
    mutation!("meta.ts bad", bad("format", Some("meta.ts")), |r, _| r
        .meta_ts =
        Some("\"yesterday\"".into())),
    mutation!(
        "remote_ip bad v4",
        bad("format", Some("remote_ip")),
        |r, _| r.set("remote_ip", Some("\"999.1.1.1\""))
    ),
    mutation!(
        "remote_ip bad v6",
        bad("format", Some("remote_ip")),
        |r, _| r.set("remote_ip", Some("\"2001:db8:::1\""))
    ),
    mutation!(
        "interaction_micros int32 max+1",
        bad("range", Some("interaction_micros")),
        |r, _| r.set("interaction_micros", Some("2147483648"))
    ),
    mutation!(
        "course_id int64 max+1",
        bad("range", Some("course_id")),
        |r, _| r.set("course_id", Some("9223372036854775808"))
    ),
    mutation!(
        "http_method lower case",
        bad("enum", Some("http_method")),
        |r, _| r.set("http_method", Some("\"get\""))
    ),
    mutation!(
        "http_status 299",
        bad("enum", Some("http_status")),
        |r, _| r.set("http_status", Some("299"))
    ),
    mutation!(
        "http_version 3.0",
        bad("enum", Some("http_version")),
        |r, _| r.set("http_version", Some("\"3.0\""))
    ),
    mutation!(
        "context type lower case",
        bad("enum", Some("web_application_context_type")),
        |r, _| r.set("web_application_context_type", Some("\"course\""))
    ),
    mutation!("meta.action X", bad("enum", Some("meta.action")), |r, _| {
        r.meta_action = Some("\"X\"".into())
    }),
    mutation!(
        "user_agent 256 characters",
        bad("max_length", Some("user_agent")),
        |r, _| r.set("user_agent", Some(&format!("\"{}\"", "é".repeat(256))))
    ),
    mutation!(
        "user_agent 256 escaped",
        bad("max_length", Some("user_agent")),
        |r, _| r.set(
            "user_agent",
            Some(&format!("\"{}\"", "\\u00e9".repeat(256)))
        )
    ),
    mutation!(
        "unknown value column",
        bad("unknown_column", Some("browser")),
        |r, _| r
            .extra_value_members
            .push(("browser".into(), "\"Chrome\"".into()))
    ),
    mutation!(
        "key column in value",
        bad("unknown_column", Some("id")),
        |r, _| r.extra_value_members.push((
            "id".into(),
            "\"0a1b2c3d-4e5f-6789-abcd-ef0123456789\"".into()
        ))
    ),
    mutation!(
        "unknown top-level member",
        bad("unknown_column", Some("extra")),
        |r, _| r.extra_top_members.push(("extra".into(), "1".into()))
    ),
    mutation!(
        "meta without ts",
        bad("not_null", Some("meta.ts")),
        |r, _| r.meta_ts = None
    ),
    mutation!("no key", bad("not_null", Some("id")), |r, _| r.omit_key =
        true),
    mutation!("empty key", bad("not_null", Some("id")), |r, _| r.id = None),
    mutation!("upsert without value", bad("not_null", None), |r, _| r
        .omit_value =
        true),
    mutation!("value not an object", bad("type", None), |r, _| r
        .value_override =
        Some("5".into())),
    mutation!("value null", bad("type", None), |r, _| r.value_override =
        Some("null".into())),
    mutation!("meta not an object", bad("type", None), |r, _| r
        .meta_override =
        Some("\"U\"".into())),
    Mutation {
        name: "truncated line",
        expected: bad("malformed", None),
        divergence: None,
        apply: keep,
        rewrite: Some(|mut line| {
            line.truncate(line.len() / 2);
            line
        }),
    },
    Mutation {
        name: "lone surrogate",
        expected: bad("malformed", None),
        divergence: None,
        apply: |r, _| r.set("url", Some("\"/courses/\\ud800x\"")),
        rewrite: None,
    },
    Mutation {
        name: "invalid UTF-8",
        expected: bad("malformed", None),
        divergence: None,
        apply: keep,
        rewrite: Some(|line| {
            let mut out = Vec::with_capacity(line.len() + 1);
            // Inside the url string, where a byte 0xFF can only be an encoding error.
            let at = line
                .windows(7)
                .position(|w| w == b"\"url\":\"")
                .map_or(0, |i| i + 7);
            out.extend_from_slice(&line[..at]);
            out.push(0xFF);
            out.extend_from_slice(&line[at..]);
            out
        }),
    },
    Mutation {
        name: "trailing bytes",
        expected: bad("malformed", None),
        divergence: None,
        apply: keep,
        rewrite: Some(|mut line| {
            line.extend_from_slice(b" x");
            line
        }),
    },
    Mutation {
        name: "not an object",
        expected: bad("malformed", None),
        divergence: None,
        apply: keep,
        rewrite: Some(|line| {
            let mut out = b"[".to_vec();
            out.extend_from_slice(&line);
            out.push(b']');
            out
        }),
    },
    Mutation {
        name: "raw tab in a string",
        expected: bad("malformed", None),
        divergence: None,
        apply: |r, _| r.set("url", Some("\"/a\tb\"")),
        rewrite: None,
    },
    Mutation {
        name: "number with leading zero",
        expected: bad("malformed", None),
        divergence: None,
        apply: |r, _| r.set("interaction_micros", Some("0123")),
        rewrite: None,
    },
    Mutation {
        name: "duplicate column",
        expected: bad("malformed", None),
        divergence: Some(
            "serde_json keeps the last of duplicate keys; dap-validate reports `malformed`",
        ),
        apply: |r, _| {
            r.extra_value_members
                .push(("url".into(), "\"/again\"".into()))
        },
        rewrite: None,
    },
    mutation!("delete without value", VALID, |r, _| {
        r.meta_action = Some("\"D\"".into());
        r.omit_value = true;
    }),
    mutation!("delete with unchecked value", VALID, |r, _| {
        r.meta_action = Some("\"D\"".into());
        r.value_override = Some("{\"anything\":[1,2,{\"x\":null}]}".into());
    }),
    mutation!("value before meta", VALID, |r, _| r.value_first = true),
    mutation!("delete, value before meta", VALID, |r, _| {
        r.value_first = true;
        r.meta_action = Some("\"D\"".into());
        r.value_override = Some("{\"url\":5}".into());
    }),
    mutation!("snapshot without action", VALID, |r, _| r.meta_action =
        None),
    mutation!("unknown controller", VALID, |r, _| r.set(
        "web_application_controller",
        Some("\"brand_new_controller\"")
    )),
    mutation!("sentinel controller", VALID, |r, _| r.set(
        "web_application_controller",
        Some("\"__dap_unspecified__\"")
    )),
    mutation!("sentinel user_agent", VALID, |r, _| r
        .set("user_agent", Some("\"__dap_oversized_truncated__\""))),
    mutation!("legacy sentinel user_agent", VALID, |r, _| r
        .set("user_agent", Some("\"_dap_oversized_truncated_\""))),
    mutation!("user_agent 255 characters", VALID, |r, _| r
        .set("user_agent", Some(&format!("\"{}\"", "😀".repeat(255))))),
    mutation!("escaped url", VALID, |r, _| r.set(
        "url",
        Some("\"\\/courses\\/1?q=\\u00e9\\t\\\"x\\\"\\ud83d\\ude00\"")
    )),
    mutation!("nullable columns absent", VALID, |r, _| {
        for c in [
            "user_id",
            "session_id",
            "user_agent",
            "web_application_controller",
        ] {
            r.set(c, None);
        }
    }),
    mutation!("upper-case uuid", VALID, |r, _| r.id =
        Some("\"0A1B2C3D-4E5F-4789-ABCD-EF0123456789\"".into())),
    mutation!("IPv6 loopback", VALID, |r, _| r
        .set("remote_ip", Some("\"::1\""))),
    mutation!("int extremes", VALID, |r, _| {
        r.set("interaction_micros", Some("-2147483648"));
        r.set("course_id", Some("9223372036854775807"));
    }),
    mutation!("leap day", VALID, |r, _| r
        .set("timestamp", Some("\"2024-02-29T23:59:59.999999Z\""))),
];

/// Writes a deterministic export of `records` records to `out` (JSONL, `\n` line ends):
/// valid records, with one in `invalid_every` (0: none) replaced by a mutation that breaks a rule
/// (cycling through the non-valid [`MUTATIONS`]).
pub fn write_export(
    out: &mut dyn std::io::Write,
    seed: u64,
    records: u64,
    invalid_every: u64,
) -> std::io::Result<()> {
    let mut generator = Generator::new(seed);
    let breaking: Vec<&Mutation> = MUTATIONS
        .iter()
        .filter(|m| m.expected.code.is_some())
        .collect();
    let mut next_mutation = 0usize;
    for i in 0..records {
        let record = generator.record();
        if invalid_every > 0 && i % invalid_every == invalid_every / 2 {
            let mutation = breaking[next_mutation % breaking.len()];
            next_mutation += 1;
            let line = mutation.render(record, generator.rng());
            out.write_all(&line)?;
        } else {
            out.write_all(record.to_line().as_bytes())?;
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_about_760_bytes() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        write_export(&mut a, 7, 2000, 0).unwrap_or_else(|e| panic!("{e}"));
        write_export(&mut b, 7, 2000, 0).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a, b);
        let per_record = a.len() / 2000;
        assert!(
            (650..=870).contains(&per_record),
            "{per_record} bytes a record"
        );
        for line in a.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let parsed: Result<serde_json::Value, _> = serde_json::from_slice(line);
            assert!(parsed.is_ok(), "{}", String::from_utf8_lossy(line));
        }
    }
}
