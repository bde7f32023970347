#!/bin/bash
# check.sh : host harness -> layer check -> execmem kernel + modules -> boots (single, numa2)
# -> boot-parameter lanes (ftrace-function, maxcpus1-stuff) -> hibernate/resume pair -> W=1 builds (gcc, LLVM) -> pool-off kernel + boot -> arm64 build -> summary.
# Last line: "N passed, N failed[, N skipped]".
. "$(dirname "$0")/common.sh"
START=$(date +%s)
mkdir -p "$LOGS"
SUMARGS=()
BOOTS=${EXECMEM_BOOTS:-single numa2}

# 1. host harness
H=$REPO/tools/testing/execmem
if [ "${EXECMEM_SKIP_HARNESS:-0}" = 1 ]; then
	SUMARGS+=(--harness-skip "EXECMEM_SKIP_HARNESS=1")
elif [ -f "$H/Makefile" ]; then
	log "host harness: make -C tools/testing/execmem check"
	set +e
	make -C "$H" check 2>&1 | tee "$LOGS/harness.log"
	rc=${PIPESTATUS[0]}
	set -e
	SUMARGS+=(--harness "$LOGS/harness.log:$rc")
else
	echo "SKIP host harness: tools/testing/execmem/Makefile missing"
	SUMARGS+=(--harness-skip "tools/testing/execmem/Makefile missing")
fi

# 1b. the layers of mm/execmem/ call only down: no cycle in their call graph
if python3 "$SCRIPTS/layers.py" > "$LOGS/layers.log" 2>&1; then
	SUMARGS+=(--pass "layers")
else
	SUMARGS+=(--fail "layers:$(tail -n 1 "$LOGS/layers.log")")
fi

# 2. execmem kernel + test modules
build_ok=1 tree_ok=1
if ! "$SCRIPTS/prepare-tree.sh"; then
	build_ok=0 tree_ok=0
	SUMARGS+=(--fail "prepare-tree:overlay/patches failed to apply (see above)")
elif ! "$SCRIPTS/build-kernel.sh" execmem 2>&1 | tee "$LOGS/build-execmem.log"; then
	build_ok=0; SUMARGS+=(--fail "kernel-build:execmem kernel/modules build failed (build/logs/build-execmem.log)")
fi

# 3. boots
if [ $build_ok = 1 ]; then
	for b in $BOOTS; do
		# numa2 also runs with the return thunk (retbleed_return_thunk on
		# the AMD-vendor TCG CPU), so code generated at run time is
		# tested returning both ways (RET and JMP x86_return_thunk)
		extra=
		[ "$b" = numa2 ] && extra="retbleed=force,unret"
		if ! EXECMEM_APPEND="${EXECMEM_APPEND:-} $extra" "$SCRIPTS/boot.sh" execmem "$b" check "$b"; then
			echo "---- last 40 lines of $LOGS/$b.log ----"; tail -n 40 "$LOGS/$b.log"; echo "----"
		fi
		SUMARGS+=("$b=$LOGS/$b.log")
	done
fi

# 3a. boot-parameter lanes, module text only (mode=modtext, no KUnit, short
# churn and parallel loads): "ftrace-function" wants trampolines before the
# pool can serve and traces every module load; "maxcpus1-stuff" boots with
# one CPU (SMP alternatives patched for UP, then cpu1 comes up) and with
# call-depth tracking (retbleed=force,stuff: call thunks in module text).
# EXECMEM_SKIP_PARAMS=1 skips them.
if [ $build_ok = 1 ] && [ "${EXECMEM_SKIP_PARAMS:-0}" != 1 ]; then
	for lane in "ftrace-function:ftrace=function" \
		    "maxcpus1-stuff:maxcpus=1 retbleed=force,stuff"; do
		name=${lane%%:*}
		params="kunit.enable=0 execmem.churn=20 execmem.par_rounds=3 ${lane#*:}"
		if ! EXECMEM_APPEND="${EXECMEM_APPEND:-} $params" \
		     "$SCRIPTS/boot.sh" execmem "$name" modtext single; then
			echo "---- last 40 lines of $LOGS/$name.log ----"; tail -n 40 "$LOGS/$name.log"; echo "----"
		fi
		SUMARGS+=("$name=$LOGS/$name.log")
	done
fi

# 3b. the "hibernate" pair (hibernate-pair.sh): a guest with a swap disk
# hibernates with the pool in use, the next boot resumes it; the KTAP of
# hibernate.sh after the resume counts as "hibernate", the boot that wrote
# the image as "hibernate-save". EXECMEM_SKIP_HIBERNATE=1 skips the pair.
if [ $build_ok = 1 ]; then
	if [ "${EXECMEM_SKIP_HIBERNATE:-0}" = 1 ]; then
		SUMARGS+=(--skip "hibernate:EXECMEM_SKIP_HIBERNATE=1")
	else
		if why=$("$SCRIPTS/hibernate-pair.sh" execmem hibernate); then
			SUMARGS+=(--pass "hibernate-save")
		else
			SUMARGS+=(--fail "hibernate-save:$why")
			echo "---- last 40 lines of $LOGS/hibernate-save.log ----"; tail -n 40 "$LOGS/hibernate-save.log"; echo "----"
		fi
		SUMARGS+=("hibernate=$LOGS/hibernate.log")
	fi
fi

# 4. the project's C files build without warnings at W=1, GCC and LLVM
if [ "${EXECMEM_SKIP_W1:-0}" = 1 ]; then
	SUMARGS+=(--skip "w1:EXECMEM_SKIP_W1=1")
elif [ $build_ok = 1 ]; then
	for cc in gcc llvm; do
		if "$SCRIPTS/w1-check.sh" "$cc"; then
			SUMARGS+=(--pass "w1-$cc")
		else
			SUMARGS+=(--fail "w1-$cc:warnings or errors at W=1 (build/logs/w1-$cc.log)")
		fi
	done
fi

# 5. lane "pooloff": the same tree with CONFIG_EXECMEM_ROX_POOL=n builds, and
# boots through the in-guest tests once (single; execmem.check=short: no
# test_bpf at harden 2, no bench.sh). The tests of the pool report SKIP.
if [ "${EXECMEM_SKIP_POOLOFF:-0}" = 1 ]; then
	SUMARGS+=(--skip "pooloff:EXECMEM_SKIP_POOLOFF=1")
elif [ $tree_ok = 1 ]; then
	if ! "$SCRIPTS/build-kernel.sh" pooloff 2>&1 | tee "$LOGS/build-pooloff.log"; then
		SUMARGS+=(--fail "pooloff-build:pool-off kernel/modules build failed (build/logs/build-pooloff.log)")
	else
		if ! EXECMEM_APPEND="${EXECMEM_APPEND:-} execmem.check=short" \
		     "$SCRIPTS/boot.sh" pooloff pooloff check single; then
			echo "---- last 40 lines of $LOGS/pooloff.log ----"; tail -n 40 "$LOGS/pooloff.log"; echo "----"
		fi
		SUMARGS+=("pooloff=$LOGS/pooloff.log")
	fi
fi

# 6. lane "arm64": the same tree cross-builds for arm64 (no pool there)
if [ "${EXECMEM_SKIP_ARM64:-0}" = 1 ]; then
	SUMARGS+=(--skip "arm64-build:EXECMEM_SKIP_ARM64=1")
elif [ $tree_ok = 1 ]; then
	if "$SCRIPTS/build-arm64.sh" > "$LOGS/build-arm64.log" 2>&1; then
		tail -n 2 "$LOGS/build-arm64.log"
		SUMARGS+=(--pass "arm64-build")
	else
		tail -n 30 "$LOGS/build-arm64.log"
		SUMARGS+=(--fail "arm64-build:arm64 cross build failed (build/logs/build-arm64.log)")
	fi
fi

# 7. summary
log "elapsed $(( $(date +%s) - START ))s"
exec python3 "$SCRIPTS/ktap-summary.py" --kunit-dir "$PRISTINE/tools/testing/kunit" \
	"${SUMARGS[@]}"
