/* IG_PLACEHOLDER: replaced by the real generator. */
#include "core/rng.h"
