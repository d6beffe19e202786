/* IG_PLACEHOLDER: replaced by the real implementation. */
#include "measures/measure_impl.h"

ig_status ig__m_density_corrected_dissimilarity(const ig__min *in, double *value)
{
    (void)value;
    return ig__error_set(in->err, IG_ERR_DISABLED, 0, 0, "density_corrected_dissimilarity: not implemented yet");
}

