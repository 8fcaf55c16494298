namespace AsmKernels.Terminal;

/// <summary>A plain-text table: columns of numbers right-aligned, the others left-aligned.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells) => _rows.Add(cells);

    public void Write(TextWriter to)
    {
        int[] widths = new int[headers.Length];
        foreach (string[] row in _rows.Prepend(headers))
            for (int i = 0; i < row.Length; i++)
                widths[i] = Math.Max(widths[i], row[i].Length);

        bool[] numeric = new bool[headers.Length];
        for (int i = 0; i < numeric.Length; i++)
            numeric[i] = _rows.Count > 0 && _rows.All(r => r[i].Length > 0 && char.IsAsciiDigit(r[i][0]));

        void Line(string[] row) =>
            to.WriteLine(string.Join("  ", row.Select((c, i) => numeric[i] ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd());

        Line(headers);
        Line(widths.Select(w => new string('-', w)).ToArray());
        foreach (string[] row in _rows)
            Line(row);
    }
}
