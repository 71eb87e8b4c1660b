/// @file array.hpp  The static engine with arrays: variables bound to arrays, reduced by sum,
/// mean or dot (<etgrad/static/array.hpp>), on top of <etgrad/static.hpp>.
#pragma once
#include <etgrad/static.hpp>
#include <etgrad/static/array.hpp>
