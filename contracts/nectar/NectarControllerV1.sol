// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

import {NEC} from "./NEC.sol";
import {Owned} from "./Owned.sol";
import {TokenController} from "./TokenController.sol";

/// @title NectarController v1 (devnet and tests only)
/// @notice The shape of the mainnet controller v1 (0x8d5a41e85f4ce2433beef476305d307b9205d98d, ethfinex/nectar
///         @ fc5e6d5) for rehearsing a v1 → v2 upgrade: the v1 issuance equation, a single-owner whitelist
///         (no admins, no isAdmin) and, as on mainnet, no whitelist events. A zero-value call to a
///         function it lacks reverts in its payable fallback (a taker payment of nothing).
///         Differences: `startTime` is a constructor argument; Solidity 0.8 checked arithmetic.
contract NectarControllerV1 is TokenController, Owned {
    NEC public tokenContract;
    address public vaultAddress;

    uint256 public periodLength = 30;
    uint256 public startTime;
    mapping(uint256 => uint256) public windowFinalBlock;

    bool public listActive = true;
    mapping(address => bool) public isOnList;
    mapping(address => bool) public isAuthorisedMaker;

    event LogFeeTopUp(uint256 _amount);
    event LogFeeEvacuation(uint256 _amount);
    event LogContributions(address _user, uint256 _amount, bool _maker);
    event LogClaim(address _user, uint256 _amount);
    event UpgradedController(address newAddress);

    modifier authorised() {
        require(isAuthorisedMaker[msg.sender], "Whitelist: caller is not an authorised maker");
        _;
    }

    constructor(address _vaultAddress, address _tokenAddress, uint256 _startTime) {
        require(_vaultAddress != address(0), "NectarController: zero vault");
        tokenContract = NEC(payable(_tokenAddress));
        vaultAddress = _vaultAddress;
        startTime = _startTime;
        windowFinalBlock[0] = block.number - 1;
    }

    receive() external payable {
        doTakerPayment();
    }

    fallback() external payable {
        doTakerPayment();
    }

    // ---------------------------------------------------------------- whitelist (v1: owner only)

    function isRegistered(address _user) public view returns (bool) {
        return !listActive || isOnList[_user];
    }

    function register(address[] memory newUsers) public onlyOwner {
        for (uint256 i = 0; i < newUsers.length; i++) isOnList[newUsers[i]] = true;
    }

    function deregister(address[] memory bannedUsers) public onlyOwner {
        for (uint256 i = 0; i < bannedUsers.length; i++) isOnList[bannedUsers[i]] = false;
    }

    function authoriseMaker(address maker) public onlyOwner {
        isAuthorisedMaker[maker] = true;
        isOnList[maker] = true;
    }

    function deauthoriseMaker(address maker) public onlyOwner {
        isAuthorisedMaker[maker] = false;
    }

    function activateWhitelist(bool newSetting) public onlyOwner {
        listActive = newSetting;
    }

    function getRegistrationStatus(address _user) external view returns (bool) {
        return isOnList[_user];
    }

    function getAuthorisationStatus(address _maker) external view returns (bool) {
        return isAuthorisedMaker[_maker];
    }

    function getOwner() external view returns (address) {
        return owner;
    }

    // ---------------------------------------------------------------- token hooks and payments

    function contributeForMakers(address _owner) public payable authorised {
        tokenContract.pledgeFees(msg.value);
        require(sendWithStipend(vaultAddress, msg.value), "NectarController: vault send failed");
        setSnapshot();
        require(tokenContract.generateTokens(_owner, getFeeToTokenConversion(msg.value)), "NectarController: mint failed");
        emit LogContributions(_owner, msg.value, true);
    }

    function proxyPayment(address) public payable override returns (bool) {
        doTakerPayment();
        return true;
    }

    function proxyAccountingCreation(address _owner, uint256 _pledgedAmount, uint256 _tokensToCreate) public onlyOwner returns (bool) {
        setSnapshot();
        tokenContract.pledgeFees(_pledgedAmount);
        if (_tokensToCreate > 0) require(tokenContract.generateTokens(_owner, _tokensToCreate), "NectarController: mint failed");
        emit LogContributions(msg.sender, _pledgedAmount, true);
        return true;
    }

    function onTransfer(address _from, address _to, uint256) public view override returns (bool) {
        return isRegistered(_to) && isRegistered(_from);
    }

    function onApprove(address _owner, address, uint256) public view override returns (bool) {
        return isRegistered(_owner);
    }

    function onBurn(address _owner, uint256 _tokensToBurn) public override returns (bool) {
        require(msg.sender == address(tokenContract), "NectarController: caller is not the token");
        uint256 feeValueOfTokens = (tokenContract.totalPledgedFees() * _tokensToBurn) / tokenContract.totalSupply();
        require(tokenContract.destroyTokens(_owner, _tokensToBurn), "NectarController: destroy failed");
        require(address(this).balance >= feeValueOfTokens, "NectarController: balance too low for the payout");
        require(sendWithStipend(_owner, feeValueOfTokens), "NectarController: payout send failed");
        emit LogClaim(_owner, feeValueOfTokens);
        return true;
    }

    function doTakerPayment() internal {
        require(msg.value != 0, "NectarController: no value");
        tokenContract.pledgeFees(msg.value);
        require(sendWithStipend(vaultAddress, msg.value), "NectarController: vault send failed");
        emit LogContributions(msg.sender, msg.value, false);
    }

    /// @dev Exactly `address.send`: a 2300-gas stipend, false on failure.
    function sendWithStipend(address to, uint256 amount) internal returns (bool ok) {
        (ok,) = payable(to).call{value: amount, gas: amount == 0 ? 2300 : 0}("");
    }

    function setSnapshot() internal {
        if (windowFinalBlock[currentWindow() - 1] == 0) windowFinalBlock[currentWindow() - 1] = block.number - 1;
    }

    // ---------------------------------------------------------------- owner

    function setVault(address _newVaultAddress) public onlyOwner {
        vaultAddress = _newVaultAddress;
    }

    function upgradeController(address _newControllerAddress) public onlyOwner {
        tokenContract.changeController(_newControllerAddress);
        emit UpgradedController(_newControllerAddress);
    }

    function topUpBalance() public payable {
        emit LogFeeTopUp(msg.value);
    }

    function evacuateToVault() public onlyOwner {
        require(sendWithStipend(vaultAddress, address(this).balance), "NectarController: vault transfer failed");
        emit LogFeeEvacuation(address(this).balance);
    }

    function enableBurning(bool _burningEnabled) public onlyOwner {
        tokenContract.enableBurning(_burningEnabled);
    }

    // ---------------------------------------------------------------- issuance (v1)

    /// @notice ((contributed × (S/1000)) / ((S0/1000) + F)) × 1000, F the pledged fees at the snapshot.
    function getFeeToTokenConversion(uint256 _contributed) public view returns (uint256) {
        uint256 calculationBlock = windowFinalBlock[currentWindow() - 1];
        uint256 previousSupply = tokenContract.totalSupplyAt(calculationBlock);
        uint256 initialSupply = tokenContract.totalSupplyAt(windowFinalBlock[0]);
        uint256 feeTotal = tokenContract.totalPledgedFeesAt(calculationBlock);
        return ((_contributed * (previousSupply / 1000)) / ((initialSupply / 1000) + feeTotal)) * 1000;
    }

    function currentWindow() public view returns (uint256) {
        return windowAt(block.timestamp);
    }

    function windowAt(uint256 timestamp) public view returns (uint256) {
        return timestamp < startTime ? 0 : (timestamp - startTime) / (periodLength * 1 days) + 1;
    }
}
