/// @file etgrad.hpp  Everything: the static engine, symbolic derivatives and the runtime tape.
#pragma once
#include <etgrad/static.hpp>
#include <etgrad/symbolic.hpp>
#include <etgrad/tape.hpp>
