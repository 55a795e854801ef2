// io/ knows nothing of the engine: the rooms check must name this include.
#pragma once

#include "engine/low/uses_high.h"
