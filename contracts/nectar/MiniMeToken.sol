// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

import {Controlled} from "./Controlled.sol";
import {ApproveAndCallFallBack, TokenController} from "./TokenController.sol";

/// @title MiniMeToken (Ethfinex variant, "EFX_0.1"), rewritten for Solidity 0.8
/// @notice A cloneable ERC20 with a balance and supply history per block. The Ethfinex changes kept here:
///         - `transferFrom` treats an allowance of 2**256-1 as infinite (it is not decremented);
///         - pledged fees: `pledgeFees`, `reducePledgedFees`, `totalPledgedFees()`, `totalPledgedFeesAt(block)`;
///         - the controller's `onBurn` hook (see NEC.burnAndRetrieve).
contract MiniMeToken is Controlled {
    string public name;
    uint8 public decimals;
    string public symbol;
    string public version = "EFX_0.1";

    /// @dev One value from block `fromBlock` on.
    struct Checkpoint {
        uint128 fromBlock;
        uint128 value;
    }

    MiniMeToken public parentToken;
    uint256 public parentSnapShotBlock;
    uint256 public creationBlock;

    mapping(address => Checkpoint[]) internal balances;
    mapping(address => mapping(address => uint256)) internal allowed;
    Checkpoint[] internal totalSupplyHistory;
    Checkpoint[] internal totalPledgedFeesHistory;

    bool public transfersEnabled;
    MiniMeTokenFactory public tokenFactory;

    event ClaimedTokens(address indexed _token, address indexed _controller, uint256 _amount);
    event Transfer(address indexed _from, address indexed _to, uint256 _amount);
    event NewCloneToken(address indexed _cloneToken, uint256 _snapshotBlock);
    event Approval(address indexed _owner, address indexed _spender, uint256 _amount);

    constructor(
        address _tokenFactory,
        address payable _parentToken,
        uint256 _parentSnapShotBlock,
        string memory _tokenName,
        uint8 _decimalUnits,
        string memory _tokenSymbol,
        bool _transfersEnabled
    ) {
        tokenFactory = MiniMeTokenFactory(_tokenFactory);
        name = _tokenName;
        decimals = _decimalUnits;
        symbol = _tokenSymbol;
        parentToken = MiniMeToken(_parentToken);
        parentSnapShotBlock = _parentSnapShotBlock;
        transfersEnabled = _transfersEnabled;
        creationBlock = block.number;
    }

    // ---------------------------------------------------------------- ERC20

    function transfer(address _to, uint256 _amount) public returns (bool success) {
        require(transfersEnabled, "MiniMe: transfers disabled");
        doTransfer(msg.sender, _to, _amount);
        return true;
    }

    /// @notice The controller moves tokens without an allowance. An allowance of 2**256-1 is infinite.
    function transferFrom(address _from, address _to, uint256 _amount) public returns (bool success) {
        if (msg.sender != controller) {
            require(transfersEnabled, "MiniMe: transfers disabled");
            uint256 current = allowed[_from][msg.sender];
            if (current != type(uint256).max) {
                require(current >= _amount, "MiniMe: allowance too low");
                allowed[_from][msg.sender] = current - _amount;
            }
        }
        doTransfer(_from, _to, _amount);
        return true;
    }

    function doTransfer(address _from, address _to, uint256 _amount) internal {
        if (_amount == 0) {
            emit Transfer(_from, _to, _amount);
            return;
        }
        require(parentSnapShotBlock < block.number, "MiniMe: snapshot block not reached");
        require(_to != address(0) && _to != address(this), "MiniMe: bad recipient");
        uint256 previousBalanceFrom = balanceOfAt(_from, block.number);
        require(previousBalanceFrom >= _amount, "MiniMe: balance too low");
        if (isContract(controller)) {
            require(TokenController(controller).onTransfer(_from, _to, _amount), "MiniMe: controller refused the transfer");
        }
        updateValueAtNow(balances[_from], previousBalanceFrom - _amount);
        uint256 previousBalanceTo = balanceOfAt(_to, block.number);
        updateValueAtNow(balances[_to], previousBalanceTo + _amount);
        emit Transfer(_from, _to, _amount);
    }

    function balanceOf(address _owner) public view returns (uint256 balance) {
        return balanceOfAt(_owner, block.number);
    }

    /// @notice MiniMe race guard: a non-zero allowance must be set to 0 before it can be changed.
    function approve(address _spender, uint256 _amount) public returns (bool success) {
        require(transfersEnabled, "MiniMe: transfers disabled");
        require(_amount == 0 || allowed[msg.sender][_spender] == 0, "MiniMe: reset the allowance to 0 first");
        if (isContract(controller)) {
            require(TokenController(controller).onApprove(msg.sender, _spender, _amount), "MiniMe: controller refused the approval");
        }
        allowed[msg.sender][_spender] = _amount;
        emit Approval(msg.sender, _spender, _amount);
        return true;
    }

    function allowance(address _owner, address _spender) public view returns (uint256 remaining) {
        return allowed[_owner][_spender];
    }

    function approveAndCall(address _spender, uint256 _amount, bytes memory _extraData) public returns (bool success) {
        require(approve(_spender, _amount));
        ApproveAndCallFallBack(_spender).receiveApproval(msg.sender, _amount, address(this), _extraData);
        return true;
    }

    function totalSupply() public view returns (uint256) {
        return totalSupplyAt(block.number);
    }

    // ---------------------------------------------------------------- history

    function balanceOfAt(address _owner, uint256 _blockNumber) public view returns (uint256) {
        Checkpoint[] storage history = balances[_owner];
        if (history.length == 0 || history[0].fromBlock > _blockNumber) {
            if (address(parentToken) != address(0)) {
                return parentToken.balanceOfAt(_owner, min(_blockNumber, parentSnapShotBlock));
            }
            return 0;
        }
        return getValueAt(history, _blockNumber);
    }

    /// @notice 0 for blocks before the first checkpoint (a token without a parent).
    function totalSupplyAt(uint256 _blockNumber) public view returns (uint256) {
        if (totalSupplyHistory.length == 0 || totalSupplyHistory[0].fromBlock > _blockNumber) {
            if (address(parentToken) != address(0)) {
                return parentToken.totalSupplyAt(min(_blockNumber, parentSnapShotBlock));
            }
            return 0;
        }
        return getValueAt(totalSupplyHistory, _blockNumber);
    }

    // ---------------------------------------------------------------- pledged fees (Ethfinex)

    /// @notice All fees ever pledged to holders, in wei.
    function totalPledgedFees() public view returns (uint256) {
        return totalPledgedFeesAt(block.number);
    }

    function totalPledgedFeesAt(uint256 _blockNumber) public view returns (uint256) {
        if (totalPledgedFeesHistory.length == 0 || totalPledgedFeesHistory[0].fromBlock > _blockNumber) {
            if (address(parentToken) != address(0)) {
                return parentToken.totalPledgedFeesAt(min(_blockNumber, parentSnapShotBlock));
            }
            return 0;
        }
        return getValueAt(totalPledgedFeesHistory, _blockNumber);
    }

    function pledgeFees(uint256 _value) public onlyController returns (bool) {
        uint256 current = totalPledgedFees();
        updateValueAtNow(totalPledgedFeesHistory, current + _value);
        return true;
    }

    function reducePledgedFees(uint256 _value) public onlyController returns (bool) {
        uint256 current = totalPledgedFees();
        require(current >= _value, "MiniMe: pledged fees too low");
        updateValueAtNow(totalPledgedFeesHistory, current - _value);
        return true;
    }

    // ---------------------------------------------------------------- clones

    /// @notice Creates a plain MiniMe clone of this token at `_snapshotBlock` (0 = this block); the caller controls it.
    function createCloneToken(
        string memory _cloneTokenName,
        uint8 _cloneDecimalUnits,
        string memory _cloneTokenSymbol,
        uint256 _snapshotBlock,
        bool _transfersEnabled
    ) public returns (address) {
        if (_snapshotBlock == 0) _snapshotBlock = block.number;
        MiniMeToken cloneToken = tokenFactory.createCloneToken(
            payable(address(this)), _snapshotBlock, _cloneTokenName, _cloneDecimalUnits, _cloneTokenSymbol, _transfersEnabled
        );
        cloneToken.changeController(msg.sender);
        emit NewCloneToken(address(cloneToken), _snapshotBlock);
        return address(cloneToken);
    }

    // ---------------------------------------------------------------- mint / burn

    function generateTokens(address _owner, uint256 _amount) public onlyController returns (bool) {
        uint256 curTotalSupply = totalSupply();
        updateValueAtNow(totalSupplyHistory, curTotalSupply + _amount);
        uint256 previousBalanceTo = balanceOf(_owner);
        updateValueAtNow(balances[_owner], previousBalanceTo + _amount);
        emit Transfer(address(0), _owner, _amount);
        return true;
    }

    function destroyTokens(address _owner, uint256 _amount) public onlyController returns (bool) {
        uint256 curTotalSupply = totalSupply();
        require(curTotalSupply >= _amount, "MiniMe: supply too low");
        uint256 previousBalanceFrom = balanceOf(_owner);
        require(previousBalanceFrom >= _amount, "MiniMe: balance too low");
        updateValueAtNow(totalSupplyHistory, curTotalSupply - _amount);
        updateValueAtNow(balances[_owner], previousBalanceFrom - _amount);
        emit Transfer(_owner, address(0), _amount);
        return true;
    }

    function enableTransfers(bool _transfersEnabled) public onlyController {
        transfersEnabled = _transfersEnabled;
    }

    // ---------------------------------------------------------------- internals

    function getValueAt(Checkpoint[] storage checkpoints, uint256 _block) internal view returns (uint256) {
        uint256 length = checkpoints.length;
        if (length == 0) return 0;
        if (_block >= checkpoints[length - 1].fromBlock) return checkpoints[length - 1].value;
        if (_block < checkpoints[0].fromBlock) return 0;
        uint256 low = 0;
        uint256 high = length - 1;
        while (high > low) {
            uint256 mid = (high + low + 1) / 2;
            if (checkpoints[mid].fromBlock <= _block) low = mid;
            else high = mid - 1;
        }
        return checkpoints[low].value;
    }

    function updateValueAtNow(Checkpoint[] storage checkpoints, uint256 _value) internal {
        uint256 length = checkpoints.length;
        if (length == 0 || checkpoints[length - 1].fromBlock < block.number) {
            checkpoints.push(Checkpoint({fromBlock: uint128(block.number), value: uint128(_value)}));
        } else {
            checkpoints[length - 1].value = uint128(_value);
        }
        require(_value <= type(uint128).max, "MiniMe: value overflow");
    }

    function isContract(address _addr) internal view returns (bool) {
        return _addr != address(0) && _addr.code.length > 0;
    }

    function min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }

    /// @notice Ether sent to the token goes to the controller's `proxyPayment`.
    receive() external payable {
        forwardPayment();
    }

    fallback() external payable {
        forwardPayment();
    }

    function forwardPayment() internal {
        require(isContract(controller), "MiniMe: controller is not a contract");
        require(TokenController(controller).proxyPayment{value: msg.value}(msg.sender), "MiniMe: payment refused");
    }

    /// @notice Sweeps tokens sent here by mistake to the controller; `0x0` sweeps ether.
    function claimTokens(address _token) public onlyController {
        if (_token == address(0)) {
            uint256 amount = address(this).balance;
            (bool ok,) = payable(controller).call{value: amount, gas: amount == 0 ? 2300 : 0}("");
            require(ok, "MiniMe: ether transfer failed");
            return;
        }
        MiniMeToken token = MiniMeToken(payable(_token));
        uint256 balance = token.balanceOf(address(this));
        token.transfer(controller, balance);
        emit ClaimedTokens(_token, controller, balance);
    }
}

/// @title MiniMeTokenFactory
/// @notice Deploys clones; the caller becomes the clone's controller.
contract MiniMeTokenFactory {
    function createCloneToken(
        address payable _parentToken,
        uint256 _snapshotBlock,
        string memory _tokenName,
        uint8 _decimalUnits,
        string memory _tokenSymbol,
        bool _transfersEnabled
    ) public returns (MiniMeToken) {
        MiniMeToken newToken =
            new MiniMeToken(address(this), _parentToken, _snapshotBlock, _tokenName, _decimalUnits, _tokenSymbol, _transfersEnabled);
        newToken.changeController(msg.sender);
        return newToken;
    }
}
