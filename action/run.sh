#!/usr/bin/env bash
# The shell part of the dap-validate GitHub Action (action.yml at the repository root).
#
# GitHub passes each input as an INPUT_* variable (action.yml maps them in `env:`), and gives
# GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ACTION_PATH and RUNNER_TEMP. This script installs
# dap-validate, builds its command line from the inputs, runs it, writes the step's outputs and
# exits with dap-validate's status, so the step fails exactly when dap-validate says so:
# 0 every record valid, 1 some record breaks a rule, 2 could not validate (also a bad input of
# this action). validator/tests/integration/action.rs runs it with the variables GitHub sets.
set -uo pipefail

# Prints an annotation (escaped as the runner requires) and ends the step with status 2.
fail() {
  local message=${1//'%'/'%25'}
  message=${message//$'\r'/'%0D'}
  message=${message//$'\n'/'%0A'}
  echo "::error title=dap-validate action::${message}"
  exit 2
}

# Whether the input $2 (holding $1) is true; anything but true/false is refused.
is_true() {
  case "${1,,}" in
    true | yes | on | 1) return 0 ;;
    false | no | off | 0 | '') return 1 ;;
    *) fail "input '$2' must be true or false, not '$1'" ;;
  esac
}

# Appends name=value to GITHUB_OUTPUT (a value holding a line end is refused, never split).
output() {
  [ -n "${GITHUB_OUTPUT:-}" ] || return 0
  case "$2" in *$'\n'* | *$'\r'*) fail "output $1 would hold a line end" ;; esac
  printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
}

# Puts dap-validate on the PATH as the `install` input says.
install_tool() {
  local install=${INPUT_INSTALL:-action}
  if [ "$install" = path ]; then
    command -v dap-validate >/dev/null ||
      fail "install is 'path' but no dap-validate is on the PATH: install it in an earlier step (pip install dap-validate) or leave 'install' at its default"
    return
  fi
  local spec=$install
  if [ "$install" = action ]; then
    # The wheel built from this action's own source (maturin, through pip; needs cargo).
    spec=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}
  fi
  local python=${INPUT_PYTHON:-python3}
  command -v "$python" >/dev/null || fail "no $python on the PATH: add actions/setup-python before this step, or set the 'python' input"
  local venv="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/dap-validate-venv"
  "$python" -m venv "$venv" || fail "could not create a virtual environment with $python in $venv"
  echo "::group::pip install $spec"
  "$venv/bin/python" -m pip install --disable-pip-version-check --quiet "$spec"
  local status=$?
  echo "::endgroup::"
  [ "$status" -eq 0 ] || fail "pip install $spec failed (status $status); see the log group above"
  export PATH="$venv/bin:$PATH"
}

# The paths to validate: one a line; a line that is not an existing path is split on spaces, and a
# word holding * ? [ expands to the files it matches (sorted), so `exports/*.jsonl.gz` works too.
collect_paths() {
  paths=()
  local line word
  local -a words matches
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    [ -n "$line" ] || continue
    if [ -e "$line" ]; then
      paths+=("$line")
      continue
    fi
    read -r -a words <<<"$line"
    for word in "${words[@]}"; do
      if [[ "$word" == *[\*\?\[]* ]]; then
        mapfile -t matches < <(compgen -G "$word" | LC_ALL=C sort)
        [ "${#matches[@]}" -gt 0 ] || fail "no file matches '$word' (input 'paths')"
        paths+=("${matches[@]}")
      else
        paths+=("$word")
      fi
    done
  done <<<"${INPUT_PATHS:-}"
  [ "${#paths[@]}" -gt 0 ] || fail "input 'paths' is empty: name the export files or the folder that holds them"
}

main() {
  collect_paths
  local report=${INPUT_REPORT:-github}
  case "$report" in
    github | human | json | junit | sarif) ;;
    *) fail "input 'report' must be github, human, json, junit or sarif, not '$report'" ;;
  esac
  local -a args=(--report "$report")
  [ -z "${INPUT_MAX_ERRORS:-}" ] || args+=(--max-errors "$INPUT_MAX_ERRORS")
  ! is_true "${INPUT_REDACT:-true}" redact || args+=(--redact)
  [ -z "${INPUT_VALID_OUT:-}" ] || args+=(--valid-out "$INPUT_VALID_OUT")
  [ -z "${INPUT_INVALID_OUT:-}" ] || args+=(--invalid-out "$INPUT_INVALID_OUT")
  [ -z "${INPUT_SCHEMA:-}" ] || args+=(--schema "$INPUT_SCHEMA")
  [ -z "${INPUT_TABLE:-}" ] || args+=(--table "$INPUT_TABLE")
  [ -z "${INPUT_INPUT_FORMAT:-}" ] || args+=(--input-format "$INPUT_INPUT_FORMAT")
  [ -z "${INPUT_JOBS:-}" ] || args+=(--jobs "$INPUT_JOBS")
  ! is_true "${INPUT_NO_DUPLICATE_CHECK:-false}" no-duplicate-check || args+=(--no-duplicate-check)
  if [ -n "${INPUT_ARGS:-}" ]; then
    local -a extra
    read -r -a extra <<<"$INPUT_ARGS"
    args+=("${extra[@]}")
  fi

  # github and human reports go to the log (annotations need it); the others to a file.
  local report_file=${INPUT_REPORT_FILE:-}
  if [ -z "$report_file" ]; then
    case "$report" in
      json) report_file=dap-validate-report.jsonl ;;
      junit) report_file=dap-validate-report.xml ;;
      sarif) report_file=dap-validate-report.sarif ;;
    esac
  fi
  local dir
  for dir in "$report_file" "${INPUT_VALID_OUT:-}" "${INPUT_INVALID_OUT:-}"; do
    [ -n "$dir" ] || continue
    dir=$(dirname -- "$dir")
    mkdir -p -- "$dir" || fail "cannot create the folder $dir"
  done

  install_tool
  dap-validate --version
  local status
  if [ -n "$report_file" ]; then
    dap-validate "${args[@]}" -- "${paths[@]}" >"$report_file"
    status=$?
    echo "dap-validate: the $report report is in $report_file"
  else
    dap-validate "${args[@]}" -- "${paths[@]}"
    status=$?
  fi
  local verdict
  case "$status" in
    0) verdict=valid ;;
    1) verdict=invalid ;;
    *) verdict=error ;;
  esac
  output exit-code "$status"
  output verdict "$verdict"
  output report-file "$report_file"
  output valid-out "${INPUT_VALID_OUT:-}"
  output invalid-out "${INPUT_INVALID_OUT:-}"
  exit "$status"
}

main "$@"
