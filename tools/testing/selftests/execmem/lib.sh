# SPDX-License-Identifier: GPL-2.0
# Checks shared by the in-guest scripts (run.sh, hibernate.sh), sourced
# after they set STATS, CHUNKS and PT (debugfs files of the pool and the
# kernel page tables).

stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$STATS"; }
directmap4k() { awk '/^DirectMap4k:/ { print $2 }' /proc/meminfo; }
# 2 MiB -> 4 KiB direct-map splits, "n/a" without VM_EVENT_COUNTERS
splits2() {
	awk '$1 == "direct_map_level2_splits" { print $2; f = 1 }
	     END { if (!f) print "n/a" }' /proc/vmstat
}

# W+X anywhere in the kernel page tables (ptdump: "RW" and "x" columns).
no_wx() { ! grep -E ' RW .* x +(pte|pmd|pud|p4d|pgd)$' "$PT"; }

# Every PMD chunk of the pool lies in a 2 MiB-or-larger "ro x pmd" line.
chunks_pmd_rox() {
	grep ' pmd ' "$CHUNKS" | while read -r _ start _ _ _; do
		s=$((start))
		grep -E '^0x[0-9a-f]+-0x[0-9a-f]+ ' "$PT" | grep ' pmd$' |
		while read -r range rest; do
			lo=$((${range%-*})); hi=$((${range#*-}))
			if [ "$s" -ge "$lo" ] && [ "$s" -lt "$hi" ]; then
				echo "$rest"
			fi
		done | grep -q ' ro .* x ' || { echo "# chunk $start not ro+x pmd"; return 1; }
	done
}
