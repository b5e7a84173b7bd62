/* tests/fuzz/fuzz_vvalue.c: verify's reading of a value a database sent as text
 * (lib/core/vcmp.c: integers, decimals, doubles, dates, timestamps, times and
 * durations, text), the form every engine's text reaches the comparison in. The
 * input is one value; it is read as each class, and each reading must equal itself,
 * sort even with itself, and hash alike twice, whatever bytes it holds. */
#include "fuzz.h"
#include "vcmp.h"
#include "xfer.h"
#include <sql.h>
#include <sqlext.h>

static struct rpl_column col = { .name = "v", .type_name = "character varying", .sql_type = SQL_VARCHAR,
	                             .size = 256, .cls = RPL_CLASS_TEXT, .nullable = true };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rpl_xbuf b;
	static int laid;
	if (!laid++) {
		const struct rpl_column *c[1] = { &col };
		struct rpl_err err = RPL_ERR_INIT;
		if (rpl_xbuf_layout(&b, c, c, 1, RPL_ENGINE_POSTGRES, RPL_ENGINE_POSTGRES, 0, 1 << 20, &err) != 0 ||
		    b.cols[0].c_type != SQL_C_CHAR)
			abort();   /* a target that fuzzes nothing must not pass quietly */
	}
	size_t n = size < (size_t)b.cols[0].width ? size : (size_t)b.cols[0].width - 1;
	char *v = rpl_xval(&b, 0, 0);
	memcpy(v, data, n);
	v[n] = '\0';
	*rpl_xind(&b, 0, 0) = (SQLLEN)n;
	static const enum rpl_class classes[] = { RPL_CLASS_INT, RPL_CLASS_BOOL, RPL_CLASS_DECIMAL, RPL_CLASS_DOUBLE,
		                                      RPL_CLASS_DATE, RPL_CLASS_TIMESTAMP, RPL_CLASS_TIME, RPL_CLASS_TEXT };
	for (size_t k = 0; k < sizeof classes / sizeof classes[0]; k++)
		for (int digits = 0; digits <= 9; digits += 3) {
			struct rpl_vval a, z;
			rpl_vval_get(&b, 0, 0, classes[k], digits == 9, &a);
			rpl_vval_get(&b, 0, 0, classes[k], digits == 9, &z);
			if (!rpl_vval_equal(&a, &z, digits) || rpl_vval_order(&a, &z) != 0 ||
			    rpl_vval_hash(&a, digits, 1) != rpl_vval_hash(&z, digits, 1))
				abort();
		}
	return 0;
}
