#include "backlint/score/rule_set.h"
