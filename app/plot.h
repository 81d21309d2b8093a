/* Plots of a result folder: gnuplot data files, scripts and images.
 *
 * plot_dir reads the CSV files a run leaves in its result folder (summary.csv, waits.csv,
 * timeline.csv and, when present, pools.csv, database.csv and slo.csv), writes for each plot
 * a data file `<name>.dat` (blocks separated by two blank lines, one per plotted series, a
 * comment naming each) and a script `<name>.gp`, and runs gnuplot on each script with the
 * folder as working directory, so the folder redraws itself (`cd DIR && gnuplot
 * waits_cdf.gp`) and can be moved. The scripts name no path: only files next to them.
 *
 * Plots (1000 x 600 but the pool timeline, pngcairo `<name>.png` and svg `<name>.svg`):
 *   waits_cdf      P(wait > x) of served requests on log-log axes, one line per variant and
 *                  workload, P(wait > 0) in the legend, the pool timeouts as dotted vertical
 *                  lines, SLO limits on wait quantiles as shaded corners, a caption on what
 *                  wait = 0 means (and that pre_ping makes every wait at least one ping)
 *   timeout_rate   timeout rate per variant and workload with its 95 % CI, percent axis
 *   pool_timeline  one row per variant and pool it uses: the whole run as per-bin maxima of
 *                  the samples, and a zoom on the window with the most waiting; at most
 *                  PLOT_TIMELINE_ROWS rows per image: pool_timeline.png, pool_timeline-2.png...
 *   server_connections  the database server's connections over time, one line per variant,
 *                  against the usable max_connections (when timeline.csv has the column)
 *   backlog        backlog over time, one line per variant (identical ones merged), only when
 *                  timeline.csv has a `backlog` column
 *
 * Time series are drawn as the largest sample per bin (about 120 bins a run) so that a long
 * run is not a barcode; the samples themselves are in the zoom.
 *
 * Not here: computing any statistic (the CSVs are the whole input) or writing the CSVs
 * (app/results.c). Missing or failing gnuplot is a warning, not an error: the data and scripts
 * are written first, and an empty marker file `plots-missing` tells a reader (and a later
 * `pooltide plot DIR`) that the images are absent or stale. */
#ifndef POOLTIDE_PLOT_H
#define POOLTIDE_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Rows (variant and pool) per pool_timeline image: pool_timeline.png, then
 * pool_timeline-2.png, ... */
#define PLOT_TIMELINE_ROWS 3

/* The marker file plot_dir leaves in the folder when the images could not all be drawn. */
#define PLOT_MISSING_MARKER "plots-missing"

/* Draw every plot of the result folder `dir`.
 *
 * Returns 0 when the data files and scripts were written, whether or not gnuplot drew the
 * images. warn (warnlen bytes, may be NULL when warnlen is 0) is then "" when every image was
 * drawn (and the marker file removed), or one line, without a trailing newline, saying why
 * not: gnuplot not found on PATH, or which script failed and the log to read. In that case the
 * marker file PLOT_MISSING_MARKER exists in dir.
 *
 * Returns PT_EIO when a CSV file is missing or unreadable or an output cannot be written,
 * PT_EINVAL when a CSV file is malformed (its path and line in the message), PT_ENOMEM; warn
 * then holds the error message.
 *
 * Unless quiet, one line per drawn plot goes to stderr. Numbers are read and written in the C
 * locale whatever the process locale is. gnuplot is looked up on PATH and started with
 * fork/exec (never a shell); its output goes to `<name>.log` in dir. Not thread-safe with
 * respect to concurrent changes of PATH. */
int plot_dir(const char *dir, bool quiet, char *warn, size_t warnlen);

/* For other modules' plots (the fit and validate reports), with the same look:
 * plot_script_begin writes a script's opening (header comment, palette, and the loop over the
 * png and svg terminals: set `output` and plot inside it), plot_script_end closes the loop.
 * plot_run runs gnuplot on dir/NAME.gp for each of the n names (with dir as working
 * directory) and checks that NAME.png and NAME.svg were written. Returns 0 (warn "" when every
 * image was drawn, else one line saying why not: gnuplot missing, or the first script that
 * failed) or PT_ENOMEM. Unless quiet, one line per drawn plot on stderr. */
void plot_script_begin(FILE *f, const char *name, const char *what);
void plot_script_end(FILE *f);
int plot_run(const char *dir, const char *const *names, int n, bool quiet, char *warn,
	     size_t warnlen);

#endif
