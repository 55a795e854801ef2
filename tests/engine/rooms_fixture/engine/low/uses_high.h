// A lower room reaching up: the rooms check must name this include.
#pragma once

#include "engine/high/high.h"
