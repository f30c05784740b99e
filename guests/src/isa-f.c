/* RV64F conformance: every single-precision instruction over special operands in every rounding mode (see
 * common/fpcheck.inc). */
#define FP_D 0
#include "fpcheck.inc"
