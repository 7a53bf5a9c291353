//! Schema change scenarios: each a NEW namespace made from the real `canvas_logs.yaml` (OLD) by
//! text edits, one per kind of change `canvas_logs_codegen::diff` classifies. Shared by the diff
//! and import tests (and, later, the migration tests on real databases).

use canvas_logs_codegen::Namespace;

/// One scenario: a name (also its golden files' stem), the edits, and the codes its diff must
/// hold.
pub struct Scenario {
    /// `NN-what-changes`.
    pub name: &'static str,
    /// `(old text, new text)` replacements applied to OLD's YAML, each exactly once.
    pub edits: &'static [(&'static str, &'static str)],
    /// Whether NEW's served schema can be imported back (one table, so a served schema can
    /// describe it).
    pub importable: bool,
}

const SECOND_TABLE: &str = "
  web_log_sources:
    description: Where a request log came from.
    primary_key: [id]
    columns:
      id:
        type: uuid
        description: The source.
      host:
        type: string
        max_length: 255
        description: The host that wrote the log.
";

/// Every scenario, in golden-file order.
pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "01-column-added-nullable",
        edits: &[(
            "      user_agent:\n",
            "      browser_name:\n        type: string\n        nullable: true\n        description: The browser's name.\n      user_agent:\n",
        )],
        importable: true,
    },
    Scenario {
        name: "02-column-added-required",
        edits: &[(
            "      participated:\n",
            "      region:\n        type: string\n        description: The data region that served the request.\n      participated:\n",
        )],
        importable: true,
    },
    Scenario {
        name: "03-column-removed",
        edits: &[(
            "      quiz_id:\n        type: int64\n        nullable: true\n        references: canvas.quizzes\n        description: Identifies the quiz if the request is for a quiz.\n",
            "",
        )],
        importable: true,
    },
    Scenario {
        name: "04-column-reordered",
        edits: &[
            (
                "      url:\n        type: string\n        description: The path and the query string components of the requested URL.\n",
                "",
            ),
            (
                "      timestamp:\n",
                "      url:\n        type: string\n        description: The path and the query string components of the requested URL.\n      timestamp:\n",
            ),
        ],
        importable: true,
    },
    Scenario {
        name: "05-nullability-loosened",
        edits: &[(
            "      interaction_micros:\n        type: int32\n",
            "      interaction_micros:\n        type: int32\n        nullable: true\n",
        )],
        importable: true,
    },
    Scenario {
        name: "06-nullability-tightened",
        edits: &[(
            "      user_id:\n        type: int64\n        nullable: true\n",
            "      user_id:\n        type: int64\n",
        )],
        importable: true,
    },
    Scenario {
        name: "07-type-widened",
        edits: &[(
            "      interaction_micros:\n        type: int32\n",
            "      interaction_micros:\n        type: int64\n",
        )],
        importable: true,
    },
    Scenario {
        name: "08-type-narrowed",
        edits: &[(
            "      web_application_context_id:\n        type: int64\n",
            "      web_application_context_id:\n        type: int32\n",
        )],
        importable: true,
    },
    Scenario {
        name: "09-type-changed",
        edits: &[(
            "      session_id:\n        type: uuid\n",
            "      session_id:\n        type: string\n",
        )],
        importable: true,
    },
    Scenario {
        name: "10-max-length-raised",
        edits: &[("        max_length: 255\n", "        max_length: 512\n")],
        importable: true,
    },
    Scenario {
        name: "11-max-length-lowered",
        edits: &[("        max_length: 255\n", "        max_length: 128\n")],
        importable: true,
    },
    Scenario {
        name: "12-max-length-added",
        edits: &[(
            "      url:\n        type: string\n",
            "      url:\n        type: string\n        max_length: 4096\n",
        )],
        importable: true,
    },
    Scenario {
        name: "13-max-length-removed",
        edits: &[("        max_length: 255\n", "")],
        importable: true,
    },
    Scenario {
        name: "14-enum-value-added",
        edits: &[(
            "      TRACE: TRACE\n",
            "      TRACE: TRACE\n      QUERY: QUERY\n",
        )],
        importable: true,
    },
    Scenario {
        name: "15-enum-value-removed",
        edits: &[("      TRACE: TRACE\n", "")],
        importable: true,
    },
    Scenario {
        name: "16-enum-opened",
        edits: &[(
            "    description: Web application context types.\n",
            "    description: Web application context types.\n    open: true\n",
        )],
        importable: true,
    },
    Scenario {
        name: "17-enum-closed",
        edits: &[(
            "    description: Web application controllers.\n    open: true\n",
            "    description: Web application controllers.\n",
        )],
        importable: true,
    },
    Scenario {
        name: "18-sentinel-added",
        edits: &[(
            "      url:\n        type: string\n",
            "      url:\n        type: string\n        max_length: 4096\n        sentinels: [__dap_oversized_truncated__]\n",
        )],
        importable: true,
    },
    Scenario {
        name: "19-sentinel-removed",
        edits: &[("        sentinels: [__dap_oversized_truncated__]\n", "")],
        importable: true,
    },
    Scenario {
        name: "20-primary-key-changed",
        edits: &[(
            "    primary_key: [id]\n",
            "    primary_key: [id, timestamp]\n",
        )],
        importable: true,
    },
    Scenario {
        name: "21-description-only",
        edits: &[(
            "The path and the query string components of the requested URL.",
            "The path and query string of the requested URL.",
        )],
        importable: true,
    },
    Scenario {
        name: "22-table-added",
        edits: &[(
            "        description: The user agent string sent by the HTTP client.\n",
            "        description: The user agent string sent by the HTTP client.\n__SECOND_TABLE__",
        )],
        importable: false,
    },
    Scenario {
        name: "23-v2-like-pysqlsync",
        edits: &[
            ("version: 1\n", "version: 2\n"),
            (
                "      user_agent:\n",
                "      browser_name:\n        type: string\n        nullable: true\n        description: The browser's name.\n      user_agent:\n",
            ),
            (
                "      TRACE: TRACE\n",
                "      TRACE: TRACE\n      QUERY: QUERY\n      PRI: PRI\n",
            ),
            ("        max_length: 255\n", "        max_length: 512\n"),
            (
                "      interaction_micros:\n        type: int32\n",
                "      interaction_micros:\n        type: int32\n        nullable: true\n",
            ),
        ],
        importable: true,
    },
];

impl Scenario {
    /// NEW's YAML text.
    pub fn new_yaml(&self) -> String {
        let mut text = canvas_logs_codegen::CANVAS_LOGS_YAML.to_owned();
        for (from, to) in self.edits {
            assert_eq!(
                text.matches(from).count(),
                1,
                "{}: {from:?} must occur once",
                self.name
            );
            text = text.replacen(from, to, 1);
        }
        text.replace("__SECOND_TABLE__", SECOND_TABLE.trim_start_matches('\n'))
    }

    /// NEW, checked.
    pub fn new_namespace(&self) -> Namespace {
        canvas_logs_codegen::load(self.name, &self.new_yaml())
            .unwrap_or_else(|d| panic!("{}: {d}", self.name))
    }
}
