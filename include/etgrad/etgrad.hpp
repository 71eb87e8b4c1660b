/// @file etgrad.hpp  Everything: the static engine (and, as they land, symbolic derivatives and the tape).
#pragma once
#include <etgrad/static.hpp>
