/* RV64D conformance: every double-precision instruction over special operands in every rounding mode, the
 * compressed double loads and stores, NaN-boxing of singles in double registers (see common/fpcheck.inc). */
#define FP_D 1
#include "fpcheck.inc"
