/* Units: the numbers and durations of scenario files and the command line (see units.h).
 *
 * Numbers are read and written in the C locale whatever the process locale is (uselocale), so
 * "1.5" means one and a half under any LC_NUMERIC. */
#include "app/units.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/status.h"

bool units_is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Switch this thread to the C locale for numbers (strtod, printf) and back: scenario files
 * mean "1.5" whatever LC_NUMERIC the process runs under. */
void units_c_numeric_begin(struct units_c_numeric *cn)
{
	cn->c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	cn->old = cn->c ? uselocale(cn->c) : (locale_t)0;
}

void units_c_numeric_end(struct units_c_numeric *cn)
{
	if (cn->c) {
		uselocale(cn->old);
		freelocale(cn->c);
	}
}

/* The shortest of %.15g, %.16g, %.17g that reads back as exactly v: a JSON number. */
void units_format_number(char *buf, size_t n, double v)
{
	struct units_c_numeric cn;

	if (!isfinite(v)) { /* never reached for validated values; keeps the output JSON */
		snprintf(buf, n, "null");
		return;
	}
	v += 0.0; /* -0 -> 0 */
	units_c_numeric_begin(&cn);
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	units_c_numeric_end(&cn);
}

/* The decimal number at the start of s: digits with an optional fraction and exponent; no
 * sign, no hex, no inf or nan. Returns the number of bytes it takes, 0 if there is none. */
size_t units_scan_number(const char *s, double *v)
{
	size_t i = 0, digits = 0;
	char buf[64];
	struct units_c_numeric cn;

	for (; units_is_digit(s[i]); i++)
		digits++;
	if (s[i] == '.')
		for (i++; units_is_digit(s[i]); i++)
			digits++;
	if (digits == 0)
		return 0;
	if (s[i] == 'e' || s[i] == 'E') {
		size_t j = i + 1;
		if (s[j] == '+' || s[j] == '-')
			j++;
		if (units_is_digit(s[j])) {
			while (units_is_digit(s[j]))
				j++;
			i = j;
		}
	}
	if (i >= sizeof buf)
		return 0;
	memcpy(buf, s, i);
	buf[i] = '\0';
	units_c_numeric_begin(&cn);
	*v = strtod(buf, NULL);
	units_c_numeric_end(&cn);
	return i;
}

/* Time units: seconds = number * mul / div (division keeps "150ms" exactly 0.15). */
static const struct unit {
	const char *name;
	double mul, div;
} units[] = {
	{"us", 1, 1e6}, {"ms", 1, 1e3}, {"s", 1, 1},      {"m", 60, 1},
	{"min", 60, 1}, {"h", 3600, 1}, {"d", 86400, 1},
};

static const struct unit *find_unit(const char *name)
{
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(units[i].name, name) == 0)
			return &units[i];
	return NULL;
}

int units_parse_duration(const char *text, double *seconds)
{
	double v;
	size_t len;
	const struct unit *u;

	if (!text || (len = units_scan_number(text, &v)) == 0)
		return PT_EINVAL;
	/* A bare number is ambiguous ("8" meant 8 ms as often as 8 s): only 0 needs no unit. */
	if (text[len] == '\0') {
		if (v != 0)
			return PT_EINVAL;
		u = find_unit("s");
	} else if (!(u = find_unit(text + len))) {
		return PT_EINVAL;
	}
	v = v * u->mul / u->div;
	if (!isfinite(v))
		return PT_EINVAL;
	*seconds = v;
	return PT_OK;
}

int units_parse_rate(const char *text, double *per_second)
{
	double v;
	size_t len;
	const struct unit *u;

	if (!text || (len = units_scan_number(text, &v)) == 0)
		return PT_EINVAL;
	if (text[len] == '\0') {
		u = find_unit("s");
	} else if (text[len] != '/' || !(u = find_unit(text + len + 1))) {
		return PT_EINVAL;
	}
	v = v * u->div / u->mul;
	if (!isfinite(v))
		return PT_EINVAL;
	*per_second = v;
	return PT_OK;
}
