complete -c dap-validate -l schema -d 'Namespace definition YAML, or a table\'s JSON Schema as DAP serves it (`dap schema` output, recognised by its content) (default: the embedded canvas_logs.yaml)' -r -F
complete -c dap-validate -l table -d 'Table to validate against (default: the namespace\'s only table)' -r
complete -c dap-validate -l input-format -d 'Input format (auto: from the file name; gzip is detected by its magic bytes)' -r -f -a "auto\t'From the file name (`.jsonl`, `.json`, `.csv`, `.tsv`, `.parquet`, each optionally `.gz`); JSONL for standard input and unrecognised names'
jsonl\t'JSON Lines'
csv\t'CSV with a header of dotted names (NULL: unquoted empty or `NULL`)'
tsv\t'TSV in PostgreSQL\'s COPY text form (NULL: `\\N`)'
parquet\t'Parquet (struct columns `meta`/`key`/`value` or flat dotted names)'"
complete -c dap-validate -l report -d 'Report format' -r -f -a "human\t'`file:line: column: message` lines and a summary table'
json\t'JSON Lines: violation objects, then a summary object'
github\t'GitHub Actions workflow-command annotations, then the summary'
junit\t'JUnit XML: one test case per file, failures listing violations'
sarif\t'SARIF 2.1.0: one result per violation, for code-scanning dashboards'"
complete -c dap-validate -l jobs -d 'Threads that check records: the main one and N - 1 helpers; gzip files are also decoded up to N at a time (default: the number of cores; when every input is gzip, the cores the decoders leave, at least one per decoder)' -r
complete -c dap-validate -l max-errors -d 'Violations printed per file (counts stay exact)' -r
complete -c dap-validate -l valid-out -d 'Write the records without errors here, byte for byte' -r -F
complete -c dap-validate -l invalid-out -d 'Write the records with errors here, byte for byte' -r -F
complete -c dap-validate -l max-record-bytes -d 'The largest record read (bytes, with its line end); a longer one is reported as `malformed` and skipped without being held in memory' -r
complete -c dap-validate -l profile-out -d 'Write the per-column profile (JSON; per file and for the run) here; a later run reads it with --baseline' -r -F
complete -c dap-validate -l baseline -d 'Compare this run\'s profile with an earlier one (a --profile-out file, or a JSON report) and add drift warnings (drift_new_value, drift_null_rate, drift_volume, drift_gap, drift_missing_column)' -r -F
complete -c dap-validate -l drift-null-rate -d 'drift_null_rate: the largest accepted move of a column\'s null share, as a fraction (0.10: ten percentage points)' -r
complete -c dap-validate -l drift-volume -d 'drift_volume: records per day may be between 1 - X and 1 + X times the baseline\'s' -r
complete -c dap-validate -l html-out -d 'Also write a self-contained HTML report (no network, inline CSS and SVG) here' -r -F
complete -c dap-validate -l target -d 'Also report valid DAP values that this database refuses or changes, under the code `target` (postgresql, sqlite: text holding U+0000; mysql: timestamps before year 1000; mssql: none)' -r -f -a "postgresql\t'PostgreSQL (any version)'
mysql\t'MySQL or MariaDB'
sqlite\t'SQLite'
mssql\t'Microsoft SQL Server'"
complete -c dap-validate -l redact -d 'Never print values (exports hold personal data)'
complete -c dap-validate -l no-duplicate-check -d 'Do not look for duplicate primary keys (the one check whose memory grows with the input: about 27 MB per million distinct keys)'
complete -c dap-validate -l fail-on-drift -d 'Exit with status 1 when there is drift (by default drift only warns)'
complete -c dap-validate -l no-profile -d 'Do not keep the per-column profile (no "profile" in the summary, no drift)'
complete -c dap-validate -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dap-validate -s V -l version -d 'Print version'
