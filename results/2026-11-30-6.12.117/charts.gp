set terminal svg size 860,460 dynamic font "sans,12"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set key top left
set grid ytics
set xtics rotate by -30
set output "directmap4k.svg"
set title "DirectMap4k after each stage (lower is better)"
set ylabel "MiB"
plot "stages.dat" using ($2/1024):xtic(1) title "stock 6.12", "" using ($3/1024) title "execmem"
set output "exec-mappings.svg"
set title "Executable bytes in the module range by page size, live after each stage"
plot "stages.dat" using ($4/1048576):xtic(1) title "stock, 4 KiB pages", "" using ($6/1048576) title "stock, 2 MiB pages", \
     "" using ($5/1048576) title "execmem, 4 KiB pages", "" using ($7/1048576) title "execmem, 2 MiB pages"
set output "memory.svg"
set title "Memory test: footprint of the same objects (MiB)"
set key off
plot "memory.dat" using 2:xtic(1) title ""
set output "latency-ratio.svg"
unset style
set style data linespoints
set key top right
set logscale x 2
set logscale y 10
set xtics norotate
set xtics ("16" 16, "64" 64, "256" 256, "1K" 1024, "4K" 4096, "16K" 16384, "64K" 65536, "256K" 262144, "1M" 1048576, "2M" 2097152)
set title "Latency, execmem pool / stock 6.12 path (median, TCG; <1 is faster)"
set xlabel "object size"
set ylabel "ratio"
plot "latency.dat" using 1:2 title "alloc+publish", "" using 1:3 title "update", "" using 1:4 title "free", 1 title "" lt 0
