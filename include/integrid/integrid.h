/** @file integrid.h
 *  @brief Umbrella header for libintegrid.
 *
 *  The public API is the set of functions declared in include/integrid/.
 *
 *  Ownership rule: the library never frees or retains memory it did not
 *  allocate; every pointer it returns is either static or owned by the
 *  object it came from, and each function's comment says which. */
#ifndef INTEGRID_H
#define INTEGRID_H

#include "integrid/ig_ctx.h"
#include "integrid/ig_export.h"
#include "integrid/ig_grid.h"
#include "integrid/ig_io.h"
#include "integrid/ig_spatial.h"
#include "integrid/ig_local.h"
#include "integrid/ig_infer.h"
#include "integrid/ig_change.h"
#include "integrid/ig_compare.h"
#include "integrid/ig_measure.h"
#include "integrid/ig_boundaries.h"
#include "integrid/ig_places.h"
#include "integrid/ig_placeset.h"
#include "integrid/ig_peers.h"
#include "integrid/ig_gazetteer.h"
#include "integrid/ig_render.h"
#include "integrid/ig_report.h"
#include "integrid/ig_policy.h"
#include "integrid/ig_server.h"
#include "integrid/ig_status.h"
#include "integrid/ig_version.h"

#endif /* INTEGRID_H */
