#!/bin/bash
# prepare-tree.sh : bring build/execmem/linux = pristine + overlay + patches,
# touching only files whose content changed (incremental rebuilds).
. "$(dirname "$0")/common.sh"
ensure_pristine
if [ ! -f "$EXECSRC/.execmem-copy" ]; then
	log "copying pristine -> $EXECSRC (once)"
	rm -rf "$EXECSRC" "$EXECSRC.tmp"
	mkdir -p "$(dirname "$EXECSRC")"
	# the sources only: the stock object directories (obj*) stay behind
	rsync -a --exclude='/obj*' "$PRISTINE/" "$EXECSRC.tmp/"
	rm -f "$EXECSRC.tmp/.execmem-pristine"
	touch "$EXECSRC.tmp/.execmem-copy"
	mv "$EXECSRC.tmp" "$EXECSRC"
fi

STAGE=$BUILD/staging
MANIFEST=$BUILD/execmem-manifest
rm -rf "$STAGE"; mkdir -p "$STAGE"
cd "$REPO"

# (a) overlay files (tracked + untracked, not ignored)
OVERLAY_DIRS=(mm include arch kernel lib samples fs net Documentation
	      tools/testing/selftests/execmem tools/testing/execmem)
present=()
for d in "${OVERLAY_DIRS[@]}"; do [ -e "$d" ] && present+=("$d"); done
TOUCHED=$BUILD/.touched.$$
: > "$TOUCHED"
trap 'rm -f "$TOUCHED"' EXIT
if [ ${#present[@]} -gt 0 ]; then
	git ls-files -z --cached --others --exclude-standard -- "${present[@]}" |
	while IFS= read -r -d '' f; do
		[ -f "$f" ] || [ -L "$f" ] || continue   # deleted in worktree
		printf '%s\n' "$f" >> "$TOUCHED"
	done
fi
n_overlay=$(wc -l < "$TOUCHED")
if [ "$n_overlay" -gt 0 ]; then
	tr '\n' '\0' < "$TOUCHED" | xargs -0 cp -a --parents -t "$STAGE"
fi

# (b) patches in series order
PATCHES=()
if [ -f patches/series ]; then
	while IFS= read -r l; do
		l=${l%%#*}; l=$(echo "$l" | xargs)
		[ -n "$l" ] || continue
		[ -f "patches/$l" ] || die "patches/series names missing patch '$l'"
		PATCHES+=("patches/$l")
	done < patches/series
fi
PTOUCH=$BUILD/.ptouched.$$
trap 'rm -f "$TOUCHED" "$PTOUCH"' EXIT
for p in "${PATCHES[@]}"; do
	# files the patch touches: '--- a/X' followed by '+++ b/Y', git renames/copies
	python3 "$SCRIPTS/patch-files.py" "$p" > "$PTOUCH"
	# pristine copies of this patch's files only: a file an earlier patch
	# deleted or renamed away must not come back
	while IFS= read -r f; do
		if [ ! -e "$STAGE/$f" ] && [ -e "$PRISTINE/$f" ] &&
		   ! grep -qxF "$f" "$TOUCHED"; then
			mkdir -p "$STAGE/$(dirname "$f")"
			cp -a "$PRISTINE/$f" "$STAGE/$f"
		fi
	done < "$PTOUCH"
	cat "$PTOUCH" >> "$TOUCHED"
	sort -u "$TOUCHED" -o "$TOUCHED"
	if ! out=$(patch -p1 -s --no-backup-if-mismatch -d "$STAGE" -i "$REPO/$p" 2>&1); then
		printf '%s\n' "$out" >&2
		die "patch FAILED to apply: $p (tree not modified)"
	fi
	[ -z "$out" ] || printf '%s\n' "$out" >&2
done
sort -u "$TOUCHED" -o "$TOUCHED"
find "$STAGE" \( -name '*.rej' -o -name '*.orig' \) -delete

# (c) sync into the tree by checksum; delete what patches deleted
rsync -rlpc "$STAGE/" "$EXECSRC/" --out-format='%n' | grep -v '/$' > "$BUILD/.changed" || true
ndel=0
NEWMAN=$MANIFEST.new
: > "$NEWMAN"
while IFS= read -r f; do
	if [ -e "$STAGE/$f" ] || [ -L "$STAGE/$f" ]; then
		echo "W $f" >> "$NEWMAN"
	else
		echo "D $f" >> "$NEWMAN"
		if [ -e "$EXECSRC/$f" ]; then rm -f "$EXECSRC/$f"; ndel=$((ndel+1)); fi
	fi
done < <(cat "$TOUCHED"; (cd "$STAGE" && find . -type f -o -type l) | sed 's|^\./||')
sort -u "$NEWMAN" -o "$NEWMAN"
# files handled last time but not now: restore pristine content (fresh mtime)
nrest=0
if [ -f "$MANIFEST" ]; then
	cut -c3- "$NEWMAN" | sort -u > "$NEWMAN.names"
	cut -c3- "$MANIFEST" | sort -u | comm -23 - "$NEWMAN.names" |
	while IFS= read -r f; do
		if [ -f "$PRISTINE/$f" ]; then
			if ! cmp -s "$PRISTINE/$f" "$EXECSRC/$f" 2>/dev/null; then
				mkdir -p "$EXECSRC/$(dirname "$f")"
				rm -f "$EXECSRC/$f"; cp "$PRISTINE/$f" "$EXECSRC/$f"
				echo "restored $f" >&2
			fi
		else
			[ -e "$EXECSRC/$f" ] && { rm -f "$EXECSRC/$f"; echo "removed $f" >&2; }
		fi
	done
	rm -f "$NEWMAN.names"
fi
mv "$NEWMAN" "$MANIFEST"
log "tree ready: $n_overlay overlay files, ${#PATCHES[@]} patches, $(wc -l < "$BUILD/.changed") changed, $ndel deleted"
[ "${EXECMEM_VERBOSE:-0}" = 1 ] && sed 's/^/  changed: /' "$BUILD/.changed" >&2
exit 0
