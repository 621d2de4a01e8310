// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

import {NEC} from "./NEC.sol";
import {TokenController} from "./TokenController.sol";
import {Whitelist} from "./Whitelist.sol";

/// @title NectarController v2 (devnet build)
/// @notice Same external interface and arithmetic as the mainnet controller v2
///         (0x0e55c54249f25f70d519b7fb1c20e3331e7ba76d). Differences, all deliberate:
///         - `startTime` is a constructor argument and `windowFinalBlock[0]` is the block before
///           deployment (mainnet hard-codes both), so deploy NEC first, then this, then
///           `NEC.changeController(controller)`;
///         - Solidity 0.8 checked arithmetic instead of SafeMath (same results, reverts the same);
///         - extra events: the whitelist events and `BurningEnabled`.
contract NectarController is TokenController, Whitelist {
    NEC public tokenContract;
    address public vaultAddress;

    uint256 public periodLength = 30;
    uint256 public startTime;

    /// @notice Snapshot block for issuance during window w+1 (set lazily by the first mint of a window).
    mapping(uint256 => uint256) public windowFinalBlock;

    event ClaimedTokens(address indexed _token, address indexed _controller, uint256 _amount);
    event LogFeeTopUp(uint256 _amount);
    event LogFeeEvacuation(uint256 _amount);
    event LogContributions(address _user, uint256 _amount, bool _maker);
    event LogClaim(address _user, uint256 _amount);
    event UpgradedController(address newAddress);
    event BurningEnabled(bool enabled);

    constructor(address _vaultAddress, address _tokenAddress, uint256 _startTime) {
        require(_vaultAddress != address(0), "NectarController: zero vault");
        tokenContract = NEC(payable(_tokenAddress));
        vaultAddress = _vaultAddress;
        startTime = _startTime;
        windowFinalBlock[0] = block.number - 1;
    }

    /// @notice Ether sent here is a taker fee: pledged and forwarded to the vault; no tokens.
    receive() external payable {
        doTakerPayment();
    }

    fallback() external payable {
        doTakerPayment();
    }

    /// @notice An authorised maker-fee source pays fees for `_owner`, who receives the issued NEC.
    function contributeForMakers(address _owner) public payable authorised {
        doMakerPayment(_owner);
    }

    // ---------------------------------------------------------------- TokenController hooks

    /// @notice Same as a taker payment; `_owner` is ignored.
    function proxyPayment(address) public payable override returns (bool) {
        doTakerPayment();
        return true;
    }

    /// @notice Owner: records a pledge with no ether moving and mints exactly `_tokensToCreate` to `_owner`.
    function proxyAccountingCreation(address _owner, uint256 _pledgedAmount, uint256 _tokensToCreate) public onlyOwner returns (bool) {
        doProxyAccounting(_owner, _pledgedAmount, _tokensToCreate);
        return true;
    }

    function onTransfer(address _from, address _to, uint256) public view override returns (bool) {
        return isRegistered(_to) && isRegistered(_from);
    }

    function onApprove(address _owner, address, uint256) public view override returns (bool) {
        return isRegistered(_owner);
    }

    /// @notice Pays floor(totalPledgedFees * amount / totalSupply) (supply read before the tokens are
    ///         destroyed) from this contract's balance with a 2300-gas send.
    function onBurn(address _owner, uint256 _tokensToBurn) public override returns (bool) {
        require(msg.sender == address(tokenContract), "NectarController: caller is not the token");
        uint256 feeTotal = tokenContract.totalPledgedFees();
        uint256 totalTokens = tokenContract.totalSupply();
        uint256 feeValueOfTokens = (feeTotal * _tokensToBurn) / totalTokens;

        require(tokenContract.destroyTokens(_owner, _tokensToBurn), "NectarController: destroy failed");
        require(address(this).balance >= feeValueOfTokens, "NectarController: balance too low for the payout");
        require(sendWithStipend(_owner, feeValueOfTokens), "NectarController: payout send failed");

        emit LogClaim(_owner, feeValueOfTokens);
        return true;
    }

    // ---------------------------------------------------------------- payments

    function doMakerPayment(address _owner) internal {
        require(tokenContract.controller() != address(0) && msg.value != 0, "NectarController: no value");
        tokenContract.pledgeFees(msg.value);
        require(sendWithStipend(vaultAddress, msg.value), "NectarController: vault send failed");

        if (windowFinalBlock[currentWindow() - 1] == 0) {
            windowFinalBlock[currentWindow() - 1] = block.number - 1;
        }

        uint256 newIssuance = getFeeToTokenConversion(msg.value);
        require(tokenContract.generateTokens(_owner, newIssuance), "NectarController: mint failed");

        emit LogContributions(_owner, msg.value, true);
    }

    function doTakerPayment() internal {
        require(tokenContract.controller() != address(0) && msg.value != 0, "NectarController: no value");
        tokenContract.pledgeFees(msg.value);
        require(sendWithStipend(vaultAddress, msg.value), "NectarController: vault send failed");

        emit LogContributions(msg.sender, msg.value, false);
    }

    function doProxyAccounting(address _owner, uint256 _pledgedAmount, uint256 _tokensToCreate) internal {
        require(tokenContract.controller() != address(0), "NectarController: token has no controller");

        if (windowFinalBlock[currentWindow() - 1] == 0) {
            windowFinalBlock[currentWindow() - 1] = block.number - 1;
        }

        tokenContract.pledgeFees(_pledgedAmount);
        if (_tokensToCreate > 0) {
            require(tokenContract.generateTokens(_owner, _tokensToCreate), "NectarController: mint failed");
        }

        // As on mainnet: the event names the caller (the owner), not the recipient.
        emit LogContributions(msg.sender, _pledgedAmount, true);
    }

    // ---------------------------------------------------------------- owner

    function setVault(address _newVaultAddress) public onlyOwner {
        vaultAddress = _newVaultAddress;
    }

    function upgradeController(address _newControllerAddress) public onlyOwner {
        tokenContract.changeController(_newControllerAddress);
        emit UpgradedController(_newControllerAddress);
    }

    // ---------------------------------------------------------------- issuance (v2)

    /// @notice NEC wei issued for `_contributed` wei of fees in the current window:
    ///         r = S_prev * 1e10 / S_0; f = 2e10 - r; tokens = contributed * 1000 * f * f / 1e20;
    ///         0 when S_prev >= 2 * S_0. S_prev is 0 while the window's snapshot is unset (as on mainnet).
    function getFeeToTokenConversion(uint256 _contributed) public view returns (uint256) {
        uint256 calculationBlock = windowFinalBlock[currentWindow() - 1];
        uint256 previousSupply = tokenContract.totalSupplyAt(calculationBlock);
        uint256 initialSupply = tokenContract.totalSupplyAt(windowFinalBlock[0]);

        if (previousSupply >= initialSupply * 2) {
            return 0;
        }

        uint256 newRatio = (previousSupply * bigInt(1)) / initialSupply;
        uint256 factor = bigInt(2) - newRatio;
        return (_contributed * 1000 * factor * factor) / bigInt(bigInt(1));
    }

    /// @dev Exactly `address.send`: a 2300-gas stipend, false on failure (send/transfer are deprecated in 0.8.3x).
    function sendWithStipend(address to, uint256 amount) internal returns (bool ok) {
        (ok,) = payable(to).call{value: amount, gas: amount == 0 ? 2300 : 0}("");
    }

    function bigInt(uint256 x) internal pure returns (uint256) {
        return x * 10 ** 10;
    }

    function currentWindow() public view returns (uint256) {
        return windowAt(block.timestamp);
    }

    function windowAt(uint256 timestamp) public view returns (uint256) {
        return timestamp < startTime ? 0 : (timestamp - startTime) / (periodLength * 1 days) + 1;
    }

    // ---------------------------------------------------------------- burn payouts

    /// @notice Funds this contract's balance, from which burn payouts are made.
    function topUpBalance() public payable {
        emit LogFeeTopUp(msg.value);
    }

    /// @notice Sends the whole balance to the vault. As on mainnet the event is emitted after the
    ///         transfer and so always logs 0.
    function evacuateToVault() public onlyOwner {
        require(sendWithStipend(vaultAddress, address(this).balance), "NectarController: vault transfer failed");
        emit LogFeeEvacuation(address(this).balance);
    }

    function enableBurning(bool _burningEnabled) public onlyOwner {
        tokenContract.enableBurning(_burningEnabled);
        emit BurningEnabled(_burningEnabled);
    }

    // ---------------------------------------------------------------- safety

    /// @notice Sweeps an ERC20 held by this contract to the owner.
    function claimTokens(address _token) public onlyOwner {
        NEC token = NEC(payable(_token));
        uint256 balance = token.balanceOf(address(this));
        token.transfer(owner, balance);
        emit ClaimedTokens(_token, owner, balance);
    }
}
