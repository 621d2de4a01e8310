// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title OracleUSD, after SONM's: the SNM/USD rate the Market bills at.
/// @notice getCurrentPrice() is SNM per 1 USD, times 1e18 (SONM's migration seeded 6244497036986155008,
///         about 6.24 SNM per USD). Market.CalculatePayment = getCurrentPrice() * price * seconds / 1e18.
contract OracleUSD {
    address public owner;
    uint256 internal currentPrice = 1e18;

    event PriceChanged(uint256 price);

    constructor() {
        owner = msg.sender;
    }

    function setCurrentPrice(uint256 _price) external {
        require(msg.sender == owner, "OracleUSD: only the owner");
        require(_price > 0, "OracleUSD: price must be positive");
        currentPrice = _price;
        emit PriceChanged(_price);
    }

    function getCurrentPrice() external view returns (uint256) {
        return currentPrice;
    }
}
