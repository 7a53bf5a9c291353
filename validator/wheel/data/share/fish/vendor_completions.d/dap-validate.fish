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
complete -c dap-validate -l jobs -d 'Threads that check records: the main one and N - 1 helpers (default: the number of cores, one fewer when every input is gzip)' -r
complete -c dap-validate -l max-errors -d 'Violations printed per file (counts stay exact)' -r
complete -c dap-validate -l valid-out -d 'Write the records without errors here, byte for byte' -r -F
complete -c dap-validate -l invalid-out -d 'Write the records with errors here, byte for byte' -r -F
complete -c dap-validate -l max-record-bytes -d 'The largest record read (bytes, with its line end); a longer one is reported as `malformed` and skipped without being held in memory' -r
complete -c dap-validate -l redact -d 'Never print values (exports hold personal data)'
complete -c dap-validate -l no-duplicate-check -d 'Do not look for duplicate primary keys (the one check whose memory grows with the input: about 27 MB per million distinct keys)'
complete -c dap-validate -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dap-validate -s V -l version -d 'Print version'
