/* IG_PLACEHOLDER: replaced by the real implementation. */
#include "measures/measure_impl.h"

ig_status ig__m_modified_dissimilarity(const ig__min *in, double *value)
{
    (void)value;
    return ig__error_set(in->err, IG_ERR_DISABLED, 0, 0, "modified_dissimilarity: not implemented yet");
}

ig_status ig__m_modified_gini(const ig__min *in, double *value)
{
    (void)value;
    return ig__error_set(in->err, IG_ERR_DISABLED, 0, 0, "modified_gini: not implemented yet");
}

