#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: drive the ROX pool with the demo module and show what it did
# to the direct map, the page tables and the pool's statistics.

D=/sys/kernel/debug
MODDIR=${MODDIR:-/lib/modules/execmem}

show() {
	echo "--- $1"
	grep -E '^DirectMap' /proc/meminfo
	echo "pool chunks (pool start node mapping free_pages):"
	grep -v '^#' $D/execmem/chunks
	echo "executable mappings in the module range (ptdump):"
	awk '/---\[ Modules \]---/ { on = 1; next } /---\[ End Modules \]---/ { on = 0 }
	     on && / x / { print; n++ } END { if (!n) print "(none)" }' $D/page_tables/kernel
	grep -E '^pool[0-9]+_(chunks_healthy|chunks_degraded|jit_objs|jit_requested_bytes|jit_live_bytes|free_bytes|direct_map_ops|updates|update_bytes|fills|areas_added|areas_released) ' \
		$D/execmem/stats
}

echo EXECMEM-DEMO-BEGIN
show "before"
insmod $MODDIR/execmem_demo.ko nr_funcs=2000 && dmesg | grep execmem_demo | tail -1
show "with 2000 generated functions live"
rmmod execmem_demo
sleep 4
show "after unload (freed memory trap-filled, empty chunks trimmed)"
if grep -q ' RW .* x ' $D/page_tables/kernel; then
	echo "W+X mappings: FOUND"
else
	echo "W+X mappings: none"
fi
echo EXECMEM-DEMO-END
