#!/usr/bin/env bash
# Counts the public API entries of every package we ship, per namespace and in total, from the PublicAPI files:
# an entry is live when it is in PublicAPI.Shipped.txt and not marked *REMOVED* in PublicAPI.Unshipped.txt, or is a
# new line in PublicAPI.Unshipped.txt. (The files match the code whenever `-p:TrackPublicApi=true` builds.)
#
#   .ci/count-public-api.sh            the table: package, namespace, live entries (and shipped 1.x entries beside it)
#   .ci/count-public-api.sh --total    the total only
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(src/LstmSharp src/LstmSharp.Onnx)

# The namespaces declared in the shipped packages, longest first, so an entry takes the most specific one.
namespaces=$(for folder in "${packages[@]}"; do grep -rhoE '^namespace [A-Za-z0-9_.]+' --include='*.cs' "$folder"; done \
  | sed 's/^namespace //' | sort -u | awk '{ print length($0), $0 }' | sort -rn | cut -d' ' -f2)

rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
for folder in "${packages[@]}"; do
  awk -v package="${folder#src/}" -v namespaces="$namespaces" '
    BEGIN { n = split(namespaces, ns, "\n") }
    # Namespaces of types that no longer exist in the source (moved or cut) come from the type entries themselves:
    # an entry that is a bare type name (Namespace.Type or Namespace.Type<T>) names its namespace before the last dot.
    function learn(line,   t) {
      t = line; sub(/^\*REMOVED\*/, "", t)
      if (t !~ /^[A-Za-z0-9_.]+(<[^>]*>)?$/) return
      types[t] = 1; sub(/<[^>]*>$/, "", t); sub(/\.[^.]+$/, "", t); candidates[t] = 1
    }
    function add_namespaces(   c, i, known) {
      for (c in candidates) {
        if (c in types) continue
        known = 0
        for (i = 1; i <= n; i++) if (ns[i] == c) known = 1
        if (!known) ns[++n] = c
      }
      # longest first, so an entry takes the most specific namespace
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (length(ns[j]) > length(ns[i])) { c = ns[i]; ns[i] = ns[j]; ns[j] = c }
    }
    # the symbol an entry declares, without modifiers (static, override, const, ~ for oblivious nullability)
    function symbol(line) {
      sub(/^~/, "", line)
      while (line ~ /^(static|override|abstract|virtual|sealed|const|readonly|new|extern|required) /) sub(/^[a-z]+ /, "", line)
      return line
    }
    function namespace_of(line,   s, i) {
      s = symbol(line)
      for (i = 1; i <= n; i++) if (index(s, ns[i] ".") == 1) return ns[i]
      return "(global)"
    }
    /^#/ || /^[[:space:]]*$/ { next }
    { learn($0) }
    FILENAME ~ /Shipped/ { shipped[$0] = 1; next }
    /^\*REMOVED\*/ { line = $0; sub(/^\*REMOVED\*/, "", line); removed[line] = 1; next }
    { added[$0] = 1 }
    END {
      add_namespaces()
      for (e in shipped) { was[namespace_of(e)]++; if (!(e in removed)) live[namespace_of(e)]++ }
      for (e in added) if (!(e in shipped)) live[namespace_of(e)]++
      for (k in was) if (!(k in live)) live[k] = 0
      for (k in live) printf "%s\t%s\t%d\t%d\n", package, k, live[k], was[k]
    }' "$folder/PublicAPI.Shipped.txt" "$folder/PublicAPI.Unshipped.txt"
done | LC_ALL=C sort > "$rows"

total=$(awk -F'\t' '{ s += $3 } END { print s + 0 }' "$rows")
if [ "${1:-}" = "--total" ]; then echo "$total"; exit 0; fi
awk -F'\t' '
  BEGIN { printf "%-16s %-28s %6s %9s\n", "package", "namespace", "now", "1.x" }
  { printf "%-16s %-28s %6d %9d\n", $1, $2, $3, $4; now[$1] += $3; was[$1] += $4; t += $3; w += $4 }
  END {
    for (p in now) printf "%-16s %-28s %6d %9d\n", p, "(package total)", now[p], was[p]
    printf "%-16s %-28s %6d %9d\n", "all packages", "", t, w
  }' "$rows"
