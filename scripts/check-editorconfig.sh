#!/usr/bin/env bash
# Enforces .editorconfig on files prettier does not format (shell scripts, pom, config):
# LF line ends, a final newline, no trailing whitespace, no tabs for indentation.
# Part of `npm run lint`.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
while IFS= read -r file; do
  [[ -f $file && -s $file ]] || continue
  # Hostile fixtures are malformed on purpose.
  [[ $file == test/fixtures/hostile/* ]] && continue
  if grep -qU $'\r' "$file"; then echo "$file: CRLF line ends"; bad=1; fi
  if [[ $(tail -c 1 "$file" | od -An -c | tr -d ' ') != '\n' ]]; then echo "$file: no final newline"; bad=1; fi
  if [[ $file != *.md ]] && grep -nE '[[:space:]]+$' "$file" | head -n 3 | grep -q .; then
    grep -nE '[[:space:]]+$' "$file" | head -n 3 | sed "s|^|$file: trailing whitespace at line |"
    bad=1
  fi
  if grep -nP '^\t' "$file" | head -n 1 | grep -q .; then echo "$file: tab indentation"; bad=1; fi
done < <(git ls-files --cached --others --exclude-standard -- '*.sh' '.ci/*' '*.xml' '*.properties' '.editorconfig' '.gitignore' '.prettierignore')
exit $bad
