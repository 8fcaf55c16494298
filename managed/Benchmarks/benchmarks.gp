# benchmarks.gp - GB/s against size from BenchmarkDotNet's CSV export (semicolon-separated,
# times in ns without units). Called as: gnuplot -e "results='<dir>/'; out='<file>.svg'" benchmarks.gp
set terminal svg size 1200,1700 dynamic noenhanced font "sans,11" background rgb "white"
set output out
set datafile separator ";"
set datafile columnheaders
set multiplot layout 4,1
set logscale x 2
set format x "2^%L"
set xlabel "elements"
set ylabel "GB/s (bytes touched / median time)"
set key outside right top
set grid
methods = "JitLoop TensorPrimitives_ ManagedVector256 ManagedVector512 Asm_popcnt Asm_sse2 Asm_avx2 Asm_avx512 PublicApi Roofline Asm_sse42"
ops = "PopCount Hamming Increment Crc32C"
bytes(op) = op eq "PopCount" || op eq "Crc32C" ? 8 : 16
# one colour per implementation, the same in every panel
colors = "#7f7f7f #2ca02c #17becf #bcbd22 #ff7f0e #8c564b #1f77b4 #d62728 #9467bd #000000 #e377c2"
do for [i=1:words(methods)] { set linetype i linecolor rgb word(colors, i) linewidth 1.5 pointtype i }
rows(file, m) = sprintf("< (head -n 1 '%s'; grep '^%s;' '%s')", file, m, file)
do for [op in ops] {
    file = results . "AsmKernels.Benchmarks." . op . "Benchmarks-report.csv"
    set title op
    plot for [i=1:words(methods)] rows(file, word(methods, i)) \
        using (column("N") > 0 ? column("N") : NaN):(column("N") * bytes(op) / column("Median [ns]")) \
        with linespoints linetype i title word(methods, i)
}
unset multiplot
