/// @file etgrad.hpp  Everything: the static engine and symbolic derivatives (the tape is to come).
#pragma once
#include <etgrad/static.hpp>
#include <etgrad/symbolic.hpp>
