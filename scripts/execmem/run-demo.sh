#!/bin/bash
# run-demo.sh : build execmem kernel, boot single-node with execmem.mode=demo,
# print the guest's EXECMEM-DEMO-BEGIN..END block.
. "$(dirname "$0")/common.sh"
START=${EXECMEM_START:-$(date +%s)}
"$SCRIPTS/prepare-tree.sh"
"$SCRIPTS/build-kernel.sh" execmem
rc=0
"$SCRIPTS/boot.sh" execmem demo demo single || rc=$?
LOG=$LOGS/demo.log
if grep -q 'EXECMEM-DEMO-BEGIN' "$LOG" && grep -q 'EXECMEM-DEMO-END' "$LOG"; then
	sed -n '/EXECMEM-DEMO-BEGIN/,/EXECMEM-DEMO-END/p' "$LOG"
else
	tail -n 40 "$LOG" >&2
	echo "demo FAILED: no EXECMEM-DEMO-BEGIN/END block in $LOG ($(cat "$LOGS/demo.status"))" >&2
	rc=1
fi
if ! python3 "$SCRIPTS/splats.py" --crash-only "$LOG" >&2; then
	echo "demo FAILED: kernel crash in $LOG" >&2; rc=1
fi
echo "elapsed: $(( $(date +%s) - START ))s"
exit $rc
