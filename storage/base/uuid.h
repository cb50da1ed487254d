// Random (version 4) UUIDs in their canonical text form, as Temporal uses for run, namespace and
// request ids.
#pragma once

#include <string>

#include "storage/base/env.h"

namespace endure {

std::string NewUuid(Env* env);

}  // namespace endure
