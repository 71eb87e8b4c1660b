/// @file optim.hpp  Optimizers over tape tensors, like torch.optim.
#pragma once
#include <etgrad/tape.hpp>
#include <etgrad/optim/sgd.hpp>
