#!/bin/bash
# build-kernel.sh stock|execmem|pooloff : configure (if fragments changed),
# build bzImage + in-tree modules, then the external test modules.
# pooloff: the execmem tree with scripts/execmem/pooloff.config on top.
. "$(dirname "$0")/common.sh"
VARIANT=${1:?usage: build-kernel.sh stock|execmem|pooloff}
kvariant "$VARIANT"
[ -f "$SRC/Makefile" ] || die "$SRC missing (run prepare-tree.sh / make)"

# --- a first execmem build starts from the stock objects ---------------------
# The object directories sit directly inside their source trees, so kbuild
# records only relative paths (srctree is ".."). A copy of a finished stock
# build of the same flavour is therefore a valid, if outdated, execmem build:
# make rebuilds what the overlay and patches/ changed (touched below, so they
# are newer than every copied object), what uses a config symbol that
# differs (syncconfig touches include/config/<SYMBOL>), and relinks. Without
# it the second kernel of make demo costs a full pass of ccache lookups.
# The pooloff kernel starts the same way from the execmem objects of the
# same tree (make check builds those first): only what uses the options
# pooloff.config changes is rebuilt. EXECMEM_COPY_OBJS=0 turns both off.
seed_objects() {
	local from man=$BUILD/execmem-manifest
	[ "${EXECMEM_COPY_OBJS:-1}" = 1 ] || return 0
	[ ! -e "$OBJ/.config" ] || return 0
	case "$VARIANT" in
	execmem) from=$PRISTINE/obj$SUFFIX; [ -f "$man" ] || return 0 ;;
	pooloff) from=$EXECSRC/obj$SUFFIX ;;
	*) return 0 ;;
	esac
	[ -f "$from/arch/x86/boot/bzImage" ] || return 0
	log "$VARIANT: seeding $OBJ from the objects in $from"
	rm -rf "$OBJ" "$OBJ.tmp"
	cp -a "$from" "$OBJ.tmp"
	rm -rf "$OBJ.tmp"/.execmem-* "$OBJ.tmp"/.merge_config.log
	mv "$OBJ.tmp" "$OBJ"
	# same tree for pooloff: kbuild's config tracking does the rest
	[ "$VARIANT" = execmem ] || return 0
	(cd "$SRC" && sed -n 's/^W //p' "$man" | xargs -r -d '\n' touch -c --)
}
seed_objects
mkdir -p "$OBJ"
export PATH=/usr/lib/ccache:$PATH
START=$(date +%s)

# --- config fragments -------------------------------------------------------
FRAGDIR=$OBJ/.execmem-fragments
rm -rf "$FRAGDIR"; mkdir -p "$FRAGDIR"
cp "$SCRIPTS/base.config" "$FRAGDIR/10-base.config"
SELFCFG=$REPO/tools/testing/selftests/execmem/config
if [ -f "$SELFCFG" ]; then
	if [ "$VARIANT" = stock ]; then
		# Drop execmem-only options (and any symbol stock Kconfig lacks).
		: > "$FRAGDIR/20-selftests.config"
		while IFS= read -r line; do
			sym=$(sed -nE 's/^(# )?CONFIG_([A-Za-z0-9_]+)[= ].*/\2/p' <<<"$line")
			if [ -n "$sym" ]; then
				case "$sym" in *EXECMEM*) continue ;; esac
				if ! grep -rqsE "^(menu)?config $sym\$" --include='Kconfig*' "$SRC"; then
					log "stock: dropping $sym (not in stock Kconfig)"; continue
				fi
			fi
			printf '%s\n' "$line" >> "$FRAGDIR/20-selftests.config"
		done < "$SELFCFG"
	else
		cp "$SELFCFG" "$FRAGDIR/20-selftests.config"
	fi
fi
if [ "${EXECMEM_BENCH_CONFIG:-0}" = 1 ]; then   # make bench: vmstat counters
	cp "$SCRIPTS/bench.config" "$FRAGDIR/25-bench.config"
fi
if [ -n "${EXECMEM_EXTRA_CONFIG:-}" ]; then   # optional extra fragment file
	cp "$EXECMEM_EXTRA_CONFIG" "$FRAGDIR/30-extra.config"
fi
if [ "$VARIANT" = pooloff ]; then   # the ROX pool and what needs it: off
	cp "$SCRIPTS/pooloff.config" "$FRAGDIR/40-pooloff.config"
fi
FRAGS=("$FRAGDIR"/*.config)
SUM=$( { cat "${FRAGS[@]}"; echo "${KMAKE_CC[*]}"; } | sha256sum | cut -d' ' -f1)
STAMP=$OBJ/.execmem-config-stamp

if [ ! -f "$OBJ/.config" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$SUM" ]; then
	log "$VARIANT: configuring ($OBJ)"
	rm -f "$STAMP"
	kmake tinyconfig >/dev/null
	(cd "$SRC" && scripts/kconfig/merge_config.sh -m -O "$OBJ" "$OBJ/.config" "${FRAGS[@]}") >"$OBJ/.merge_config.log" 2>&1 \
		|| { cat "$OBJ/.merge_config.log"; die "merge_config failed"; }
	kmake olddefconfig >/dev/null
	# Verify: last assignment of every symbol in the fragments must survive.
	python3 "$SCRIPTS/config-verify.py" "$OBJ/.config" "${FRAGS[@]}" \
		|| die "config verification failed (see above)"
	echo "$SUM" > "$STAMP"
fi

# --- kernel -------------------------------------------------------------------
log "$VARIANT: building kernel (-j$JOBS ${KMAKE_CC[*]} ${KMAKE_EXTRA[*]})"
kmake || die "$VARIANT kernel build failed"
[ -f "$OBJ/arch/x86/boot/bzImage" ] || die "no bzImage"

# --- external test modules ------------------------------------------------------
KODIR=$OBJ/.execmem-modules
rm -rf "$KODIR"; mkdir -p "$KODIR"
# in-tree modules of the config (e.g. lib/test_bpf.ko) go along: those in
# modules.order, not every .ko (seeded objects keep the modules of the
# config they came from)
sed -n 's/\.o$/.ko/p' "$OBJ/modules.order" 2>/dev/null | (cd "$OBJ" && xargs -r cp -t "$KODIR/")
MDIR=$SRC/tools/testing/selftests/execmem/modules
if [ "$VARIANT" != execmem ] && [ -d "$REPO/tools/testing/selftests/execmem/modules" ]; then
	# the pristine tree has no copy, and pooloff must not build into the
	# execmem kernel's: build the modules (stock: those that build
	# without the pool, see modules/Makefile) from a copy
	MDIR=$OBJ/.execmem-modsrc
	rsync -rlpc --delete "$REPO/tools/testing/selftests/execmem/modules/" "$MDIR/" \
		"${KBUILD_OUTPUT_EXCLUDES[@]}"
fi
if [ -d "$MDIR" ]; then
	log "$VARIANT: building test modules in $MDIR"
	kmake M="$MDIR" modules || die "test module build failed"
	find "$MDIR" -name '*.ko' -exec cp {} "$KODIR/" \;
	log "$VARIANT: modules: $(cd "$KODIR" && ls | tr '\n' ' ')"
fi
# --- guest user-space helpers (tools/testing/selftests/execmem/Makefile) --------
SELFB=$OBJ/.execmem-selftests
rm -rf "$SELFB"
if [ -d "$REPO/tools/testing/selftests/execmem" ]; then
	rsync -rlp "$REPO/tools/testing/selftests/execmem/" "$SELFB/" \
		"${KBUILD_OUTPUT_EXCLUDES[@]}"
	if [ -f "$SELFB/Makefile" ]; then
		log "$VARIANT: building guest helpers (tools/testing/selftests/execmem/Makefile, static)"
		make -s -C "$SELFB" CC=gcc || die "guest helper build failed (tools/testing/selftests/execmem/Makefile)"
	fi
fi
log "$VARIANT: done in $(( $(date +%s) - START ))s -> $OBJ/arch/x86/boot/bzImage"
