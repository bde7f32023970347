#!/bin/bash
# series-repo.sh DIR         make DIR a git repository of the pristine files
#                            the series touches, with patches/ applied as
#                            one commit each (git am)
# series-repo.sh --format DIR  write DIR's commits back to patches/ as
#                            git format-patch makes them
# Edit a patch: commit a change in DIR with "git commit --fixup=<commit>",
# "git rebase -i --autosquash <first commit>", then --format.
. "$(dirname "$0")/common.sh"

if [ "${1:-}" = --format ]; then
	D=$2
	base=$(git -C "$D" rev-list --max-parents=0 HEAD)
	rm -f "$REPO"/patches/0*.patch
	git -C "$D" format-patch -q --zero-commit -M -n --no-signature \
		-o "$REPO/patches" "$base"
	(cd "$REPO/patches" && ls 0*.patch) > "$REPO/patches/series"
	exit 0
fi
D=${1:?usage: series-repo.sh DIR | --format DIR}
[ -d "$PRISTINE" ] || "$SCRIPTS/prepare-tree.sh"
mkdir -p "$D"
grep -h '^diff --git' "$REPO"/patches/0*.patch | awk '{ print substr($3, 3) }' |
	sort -u | while read -r f; do
		[ -f "$PRISTINE/$f" ] || continue
		mkdir -p "$D/$(dirname "$f")"
		cp "$PRISTINE/$f" "$D/$f"
	done
cd "$D"
git init -q
git add -A
git -c user.name=pristine -c user.email=pristine@execmem.invalid commit -qm "linux 6.12 pristine"
git -c user.name=pristine -c user.email=pristine@execmem.invalid am -q \
	--committer-date-is-author-date "$REPO"/patches/0*.patch
