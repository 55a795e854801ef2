// A higher room using a lower one: allowed.
#pragma once

#include "engine/low/uses_high.h"
