// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IERC20Like {
    function transfer(address to, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
    function balanceOf(address who) external view returns (uint256);
}

interface IOracleUSD {
    function getCurrentPrice() external view returns (uint256);
}

interface IBlacklist {
    function Check(address who, address whom) external view returns (bool);
    function Add(address who, address whom) external returns (bool);
}

interface IProfileRegistry {
    function GetProfileLevel(address owner) external view returns (uint8);
}

/// @title Market, after SONM's Market.sol (sonm-io/core v0.4.31, blockchain/source/contracts/Market.sol).
/// @notice Same constructor, function and event names, selectors, enums, escrow, billing, identity,
///  blacklist and master/worker rules; the Blacklist and the ProfileRegistry are separate contracts, as
///  in SONM. Left out: change requests and KillMarket. Like SONM's, the token, blacklist, oracle and
///  profile registry addresses are not readable from the Market: clients take them from SONM's address
///  registry (AddressHashMap) or their own configuration.
contract Market {
    enum OrderType { ORDER_UNKNOWN, ORDER_BID, ORDER_ASK }
    enum OrderStatus { UNKNOWN, ORDER_INACTIVE, ORDER_ACTIVE }
    enum DealStatus { STATUS_UNKNOWN, STATUS_ACCEPTED, STATUS_CLOSED }
    enum BlacklistPerson { BLACKLIST_NOBODY, BLACKLIST_WORKER, BLACKLIST_MASTER }
    enum IdentityLevel { UNKNOWN, ANONYMOUS, REGISTERED, IDENTIFIED, PROFESSIONAL }

    struct Order {
        OrderType orderType;
        OrderStatus orderStatus;
        address author;
        address counterparty;
        uint256 duration;
        uint256 price;
        bool[] netflags;
        IdentityLevel identityLevel;
        address blacklist;
        bytes32 tag;
        uint64[] benchmarks;
        uint256 frozenSum;
        uint256 dealID;
    }

    struct Deal {
        uint64[] benchmarks;
        address supplierID;
        address consumerID;
        address masterID;
        uint256 askID;
        uint256 bidID;
        uint256 duration;
        uint256 price;
        uint256 startTime;
        uint256 endTime;
        DealStatus status;
        uint256 blockedBalance;
        uint256 totalPayout;
        uint256 lastBillTS;
    }

    event OrderPlaced(uint256 indexed orderID);
    event OrderUpdated(uint256 indexed orderID);
    event DealOpened(uint256 indexed dealID);
    event DealUpdated(uint256 indexed dealID);
    event Billed(uint256 indexed dealID, uint256 indexed paidAmount);
    event WorkerAnnounced(address indexed worker, address indexed master);
    event WorkerConfirmed(address indexed worker, address indexed master);
    event WorkerRemoved(address indexed worker, address indexed master);
    event NumBenchmarksUpdated(uint256 indexed newNum);
    event NumNetflagsUpdated(uint256 indexed newNum);
    event Pause();
    event Unpause();

    uint64 internal constant MAX_BENCHMARK_VALUE = 2 ** 63;

    IERC20Like internal token;
    IBlacklist internal bl;
    IOracleUSD internal oracle;
    IProfileRegistry internal pr;
    address public owner;
    bool public paused;

    uint256 internal benchmarksQuantity;
    uint256 internal netflagsQuantity;

    mapping(uint256 => Order) internal orders;
    mapping(uint256 => Deal) internal deals;
    mapping(address => address) internal masterOf;
    mapping(address => bool) internal isMaster;
    mapping(address => mapping(address => bool)) internal masterRequest;

    uint256 internal ordersAmount = 0;
    uint256 internal dealAmount = 0;

    modifier onlyOwner() {
        require(msg.sender == owner, "Market: only the owner");
        _;
    }

    modifier whenNotPaused() {
        require(!paused, "Market: paused");
        _;
    }

    constructor(address _token, address _blacklist, address _oracle, address _profileRegistry, uint256 _benchmarksQuantity, uint256 _netflagsQuantity) {
        owner = msg.sender;
        token = IERC20Like(_token);
        bl = IBlacklist(_blacklist);
        oracle = IOracleUSD(_oracle);
        pr = IProfileRegistry(_profileRegistry);
        benchmarksQuantity = _benchmarksQuantity;
        netflagsQuantity = _netflagsQuantity;
    }

    // ---------------------------------------------------------------- orders

    function PlaceOrder(
        OrderType _orderType,
        address _id_counterparty,
        uint256 _duration,
        uint256 _price,
        bool[] memory _netflags,
        IdentityLevel _identityLevel,
        address _blacklist,
        bytes32 _tag,
        uint64[] memory _benchmarks
    ) public whenNotPaused returns (uint256) {
        return placeOrder(msg.sender, _orderType, _id_counterparty, _duration, _price, _netflags, _identityLevel, _blacklist, _tag, _benchmarks);
    }

    function placeOrder(
        address _author,
        OrderType _orderType,
        address _id_counterparty,
        uint256 _duration,
        uint256 _price,
        bool[] memory _netflags,
        IdentityLevel _identityLevel,
        address _blacklist,
        bytes32 _tag,
        uint64[] memory _benchmarks
    ) internal returns (uint256) {
        require(_orderType == OrderType.ORDER_BID || _orderType == OrderType.ORDER_ASK, "Market: unknown order type");
        require(_identityLevel >= IdentityLevel.ANONYMOUS, "Market: identity level must be at least anonymous");
        require(_netflags.length <= netflagsQuantity, "Market: too many netflags");
        require(_benchmarks.length <= benchmarksQuantity, "Market: too many benchmarks");
        for (uint256 i = 0; i < _benchmarks.length; i++) {
            require(_benchmarks[i] < MAX_BENCHMARK_VALUE, "Market: benchmark value too large");
        }

        uint256 lockedSum = 0;
        if (_orderType == OrderType.ORDER_BID) {
            if (_duration == 0) {
                lockedSum = CalculatePayment(_price, 1 hours);
            } else if (_duration < 1 days) {
                lockedSum = CalculatePayment(_price, _duration);
            } else {
                lockedSum = CalculatePayment(_price, 1 days);
            }
            require(token.transferFrom(_author, address(this), lockedSum), "Market: lock transfer failed");
        }

        ordersAmount += 1;
        Order storage o = orders[ordersAmount];
        o.orderType = _orderType;
        o.orderStatus = OrderStatus.ORDER_ACTIVE;
        o.author = _author;
        o.counterparty = _id_counterparty;
        o.duration = _duration;
        o.price = _price;
        o.netflags = _netflags;
        o.identityLevel = _identityLevel;
        o.blacklist = _blacklist;
        o.tag = _tag;
        o.benchmarks = _benchmarks;
        o.frozenSum = lockedSum;

        emit OrderPlaced(ordersAmount);
        return ordersAmount;
    }

    function CancelOrder(uint256 orderID) public returns (bool) {
        require(orderID <= ordersAmount, "Market: no such order");
        Order storage o = orders[orderID];
        require(o.orderStatus == OrderStatus.ORDER_ACTIVE, "Market: order is not active");
        require(o.author == msg.sender, "Market: only the author can cancel");
        uint256 refund = o.frozenSum;
        o.orderStatus = OrderStatus.ORDER_INACTIVE;
        require(token.transfer(msg.sender, refund), "Market: refund failed");
        emit OrderUpdated(orderID);
        return true;
    }

    // ---------------------------------------------------------------- deals

    function QuickBuy(uint256 askID, uint256 buyoutDuration) public whenNotPaused {
        Order storage ask = orders[askID];
        require(ask.orderType == OrderType.ORDER_ASK, "Market: not an ask");
        require(ask.orderStatus == OrderStatus.ORDER_ACTIVE, "Market: ask is not active");
        require(ask.duration >= buyoutDuration, "Market: duration longer than the ask allows");
        require(pr.GetProfileLevel(msg.sender) >= uint8(ask.identityLevel), "Market: identity level too low");
        require(!bl.Check(msg.sender, GetMaster(ask.author)) && !bl.Check(ask.author, msg.sender), "Market: blacklisted");
        require(!bl.Check(ask.blacklist, msg.sender), "Market: buyer is blacklisted by the ask");

        uint256 bidID = placeOrder(
            msg.sender, OrderType.ORDER_BID, GetMaster(ask.author), buyoutDuration, ask.price,
            ask.netflags, IdentityLevel.ANONYMOUS, address(0), bytes32(0), ask.benchmarks
        );
        OpenDeal(askID, bidID);
    }

    function OpenDeal(uint256 _askID, uint256 _bidID) public whenNotPaused {
        Order storage ask = orders[_askID];
        Order storage bid = orders[_bidID];

        require(ask.orderStatus == OrderStatus.ORDER_ACTIVE && bid.orderStatus == OrderStatus.ORDER_ACTIVE, "Market: orders must be active");
        require(
            (ask.counterparty == address(0) || ask.counterparty == GetMaster(bid.author)) &&
                (bid.counterparty == address(0) || bid.counterparty == GetMaster(ask.author)),
            "Market: counterparty mismatch"
        );
        require(ask.orderType == OrderType.ORDER_ASK, "Market: first order is not an ask");
        require(bid.orderType == OrderType.ORDER_BID, "Market: second order is not a bid");
        address master = GetMaster(ask.author);
        require(
            !bl.Check(bid.blacklist, master) && !bl.Check(bid.blacklist, ask.author) &&
                !bl.Check(bid.author, master) && !bl.Check(bid.author, ask.author) &&
                !bl.Check(ask.blacklist, bid.author) && !bl.Check(master, bid.author) &&
                !bl.Check(ask.author, bid.author),
            "Market: blacklisted"
        );
        require(ask.price <= bid.price, "Market: ask price above bid price");
        require(ask.duration >= bid.duration, "Market: bid duration longer than the ask");
        require(pr.GetProfileLevel(bid.author) >= uint8(ask.identityLevel), "Market: consumer identity level too low");
        require(pr.GetProfileLevel(ask.author) >= uint8(bid.identityLevel), "Market: supplier identity level too low");

        for (uint256 i = 0; i < netflagsQuantity; i++) {
            bool bidFlag = i < bid.netflags.length && bid.netflags[i];
            bool askFlag = i < ask.netflags.length && ask.netflags[i];
            require(!bidFlag || askFlag, "Market: ask lacks a netflag the bid requires");
        }
        for (uint256 i = 0; i < benchmarksQuantity; i++) {
            uint64 need = i < bid.benchmarks.length ? bid.benchmarks[i] : 0;
            uint64 have = i < ask.benchmarks.length ? ask.benchmarks[i] : 0;
            require(have >= need, "Market: ask does not meet a benchmark of the bid");
        }

        dealAmount += 1;
        ask.orderStatus = OrderStatus.ORDER_INACTIVE;
        bid.orderStatus = OrderStatus.ORDER_INACTIVE;
        ask.dealID = dealAmount;
        bid.dealID = dealAmount;
        emit OrderUpdated(_askID);
        emit OrderUpdated(_bidID);

        Deal storage d = deals[dealAmount];
        d.benchmarks = ask.benchmarks;
        d.supplierID = ask.author;
        d.consumerID = bid.author;
        d.masterID = master;
        d.askID = _askID;
        d.bidID = _bidID;
        d.duration = bid.duration;
        d.price = ask.price;
        d.startTime = block.timestamp;
        // As in SONM: endTime is 0 when the ASK is spot-only; a spot deal is one whose duration is 0.
        d.endTime = ask.duration == 0 ? 0 : block.timestamp + bid.duration;
        d.status = DealStatus.STATUS_ACCEPTED;
        d.blockedBalance = bid.frozenSum;
        d.totalPayout = 0;
        d.lastBillTS = block.timestamp;
        emit DealOpened(dealAmount);
    }

    function CloseDeal(uint256 dealID, BlacklistPerson blacklisted_) public returns (bool) {
        Deal storage d = deals[dealID];
        require(d.status == DealStatus.STATUS_ACCEPTED, "Market: deal is not open");
        require(msg.sender == d.supplierID || msg.sender == d.consumerID || msg.sender == d.masterID, "Market: not a party to the deal");
        if (block.timestamp <= d.startTime + d.duration) {
            require(d.consumerID == msg.sender, "Market: only the consumer can close a forward deal before its end");
        }
        AddToBlacklist(dealID, blacklisted_);
        InternalBill(dealID);
        InternalCloseDeal(dealID);
        RefundRemainingFunds(dealID);
        return true;
    }

    function Bill(uint256 dealID) public returns (bool) {
        InternalBill(dealID);
        ReserveNextPeriodFunds(dealID);
        return true;
    }

    // ---------------------------------------------------------------- masters and workers

    /// @notice A worker announces its master; payouts of its deals go to the master once confirmed.
    function RegisterWorker(address _master) public whenNotPaused returns (bool) {
        require(GetMaster(msg.sender) == msg.sender, "Market: already a worker");
        require(!isMaster[msg.sender], "Market: a master cannot be a worker");
        require(GetMaster(_master) == _master, "Market: the master is itself a worker");
        masterRequest[_master][msg.sender] = true;
        emit WorkerAnnounced(msg.sender, _master);
        return true;
    }

    function ConfirmWorker(address _worker) public whenNotPaused returns (bool) {
        require(masterRequest[msg.sender][_worker], "Market: no request from this worker");
        masterOf[_worker] = msg.sender;
        isMaster[msg.sender] = true;
        delete masterRequest[msg.sender][_worker];
        emit WorkerConfirmed(_worker, msg.sender);
        return true;
    }

    function RemoveWorker(address _worker, address _master) public whenNotPaused returns (bool) {
        require(GetMaster(_worker) == _master && (msg.sender == _worker || msg.sender == _master), "Market: not this worker's master or the worker");
        delete masterOf[_worker];
        emit WorkerRemoved(_worker, _master);
        return true;
    }

    // ---------------------------------------------------------------- getters

    function GetOrderInfo(uint256 orderID)
        public
        view
        returns (
            OrderType orderType,
            address author,
            address counterparty,
            uint256 duration,
            uint256 price,
            bool[] memory netflags,
            IdentityLevel identityLevel,
            address blacklist,
            bytes32 tag,
            uint64[] memory benchmarks,
            uint256 frozenSum
        )
    {
        Order storage o = orders[orderID];
        return (o.orderType, o.author, o.counterparty, o.duration, o.price, o.netflags, o.identityLevel, o.blacklist, o.tag, o.benchmarks, o.frozenSum);
    }

    function GetOrderParams(uint256 orderID) public view returns (OrderStatus orderStatus, uint256 dealID) {
        Order storage o = orders[orderID];
        return (o.orderStatus, o.dealID);
    }

    function GetDealInfo(uint256 dealID)
        public
        view
        returns (uint64[] memory benchmarks, address supplierID, address consumerID, address masterID, uint256 askID, uint256 bidID, uint256 startTime)
    {
        Deal storage d = deals[dealID];
        return (d.benchmarks, d.supplierID, d.consumerID, d.masterID, d.askID, d.bidID, d.startTime);
    }

    function GetDealParams(uint256 dealID)
        public
        view
        returns (uint256 duration, uint256 price, uint256 endTime, DealStatus status, uint256 blockedBalance, uint256 totalPayout, uint256 lastBillTS)
    {
        Deal storage d = deals[dealID];
        return (d.duration, d.price, d.endTime, d.status, d.blockedBalance, d.totalPayout, d.lastBillTS);
    }

    function GetMaster(address _worker) public view returns (address master) {
        address m = masterOf[_worker];
        return m == address(0) ? _worker : m;
    }

    function GetOrdersAmount() public view returns (uint256) {
        return ordersAmount;
    }

    function GetDealsAmount() public view returns (uint256) {
        return dealAmount;
    }

    function GetBenchmarksQuantity() public view returns (uint256) {
        return benchmarksQuantity;
    }

    function GetNetflagsQuantity() public view returns (uint256) {
        return netflagsQuantity;
    }

    /// @notice SNM owed for `period` seconds at `_price` USD/s x 1e18: getCurrentPrice() * price * period / 1e18.
    function CalculatePayment(uint256 _price, uint256 _period) internal view returns (uint256) {
        uint256 rate = oracle.getCurrentPrice();
        return (rate * _price * _period) / 1e18;
    }

    // ---------------------------------------------------------------- owner

    function SetProfileRegistryAddress(address _newPR) public onlyOwner returns (bool) {
        pr = IProfileRegistry(_newPR);
        return true;
    }

    function SetBlacklistAddress(address _newBL) public onlyOwner returns (bool) {
        bl = IBlacklist(_newBL);
        return true;
    }

    function SetOracleAddress(address _oracle) public onlyOwner returns (bool) {
        require(IOracleUSD(_oracle).getCurrentPrice() != 0, "Market: the oracle has no price");
        oracle = IOracleUSD(_oracle);
        return true;
    }

    function SetBenchmarksQuantity(uint256 _newQuantity) public onlyOwner returns (bool) {
        require(_newQuantity > benchmarksQuantity, "Market: can only increase");
        benchmarksQuantity = _newQuantity;
        emit NumBenchmarksUpdated(_newQuantity);
        return true;
    }

    function SetNetflagsQuantity(uint256 _newQuantity) public onlyOwner returns (bool) {
        require(_newQuantity > netflagsQuantity, "Market: can only increase");
        netflagsQuantity = _newQuantity;
        emit NumNetflagsUpdated(_newQuantity);
        return true;
    }

    function pause() public onlyOwner {
        paused = true;
        emit Pause();
    }

    function unpause() public onlyOwner {
        paused = false;
        emit Unpause();
    }

    // ---------------------------------------------------------------- internals (SONM's names)

    function IsSpot(uint256 dealID) internal view returns (bool) {
        return deals[dealID].duration == 0;
    }

    function InternalBill(uint256 dealID) internal returns (bool) {
        Deal storage d = deals[dealID];
        require(d.status == DealStatus.STATUS_ACCEPTED, "Market: deal is not open");
        require(msg.sender == d.supplierID || msg.sender == d.consumerID || msg.sender == d.masterID, "Market: not a party to the deal");

        uint256 paidAmount;
        if (!IsSpot(dealID) && d.lastBillTS >= d.endTime) {
            return true; // already billed up to the end
        } else if (!IsSpot(dealID) && block.timestamp > d.endTime && d.lastBillTS < d.endTime) {
            paidAmount = CalculatePayment(d.price, d.endTime - d.lastBillTS);
        } else {
            paidAmount = CalculatePayment(d.price, block.timestamp - d.lastBillTS);
        }

        if (paidAmount > d.blockedBalance) {
            uint256 missing = paidAmount - d.blockedBalance;
            if (token.balanceOf(d.consumerID) >= missing) {
                require(token.transferFrom(d.consumerID, address(this), missing), "Market: top-up failed");
                d.blockedBalance += missing;
            } else {
                uint256 all = d.blockedBalance;
                emit Billed(dealID, all);
                InternalCloseDeal(dealID);
                require(token.transfer(d.masterID, all), "Market: payout failed");
                d.lastBillTS = block.timestamp;
                d.totalPayout += all;
                d.blockedBalance = 0;
                return true;
            }
        }

        require(token.transfer(d.masterID, paidAmount), "Market: payout failed");
        d.blockedBalance -= paidAmount;
        d.totalPayout += paidAmount;
        d.lastBillTS = block.timestamp;
        emit Billed(dealID, paidAmount);
        return true;
    }

    function ReserveNextPeriodFunds(uint256 dealID) internal returns (bool) {
        Deal storage d = deals[dealID];
        uint256 nextPeriod;
        if (IsSpot(dealID)) {
            if (d.status == DealStatus.STATUS_CLOSED) return true;
            nextPeriod = 1 hours;
        } else {
            if (block.timestamp > d.endTime) return true; // nothing to reserve after the end
            nextPeriod = d.endTime - block.timestamp < 1 days ? d.endTime - block.timestamp : 1 days;
        }

        uint256 needed = CalculatePayment(d.price, nextPeriod);
        if (needed > d.blockedBalance) {
            uint256 nextPeriodSum = needed - d.blockedBalance;
            if (token.balanceOf(d.consumerID) >= nextPeriodSum) {
                require(token.transferFrom(d.consumerID, address(this), nextPeriodSum), "Market: reserve failed");
                d.blockedBalance += nextPeriodSum;
            } else {
                emit Billed(dealID, d.blockedBalance);
                InternalCloseDeal(dealID);
                RefundRemainingFunds(dealID);
                return true;
            }
        }
        return true;
    }

    function InternalCloseDeal(uint256 dealID) internal {
        Deal storage d = deals[dealID];
        if (d.status == DealStatus.STATUS_CLOSED) return;
        d.status = DealStatus.STATUS_CLOSED;
        d.endTime = block.timestamp;
        emit DealUpdated(dealID);
    }

    function RefundRemainingFunds(uint256 dealID) internal returns (bool) {
        Deal storage d = deals[dealID];
        if (d.blockedBalance != 0) {
            uint256 refund = d.blockedBalance;
            d.blockedBalance = 0;
            require(token.transfer(d.consumerID, refund), "Market: refund failed");
        }
        return true;
    }

    function AddToBlacklist(uint256 dealID, BlacklistPerson role) internal {
        if (role == BlacklistPerson.BLACKLIST_NOBODY) return;
        Deal storage d = deals[dealID];
        require(msg.sender == d.consumerID, "Market: only the consumer can blacklist");
        bl.Add(d.consumerID, role == BlacklistPerson.BLACKLIST_WORKER ? d.supplierID : d.masterID);
    }
}
